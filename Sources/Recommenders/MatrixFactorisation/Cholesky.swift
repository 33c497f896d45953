/// Dense symmetric positive-definite solves in Double, the exact oracle the conjugate-gradient solver is tested
/// against, and the solver for folding in a single new user.
public enum Cholesky {
    /// Solves `A x = b` for symmetric positive-definite `A` (row-major `n`×`n`). Returns nil if `A` is not
    /// positive definite.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        precondition(a.count == n * n && b.count == n)
        guard let lower = factor(a, n: n) else { return nil }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= lower[i * n + k] * y[k] }
            y[i] = sum / lower[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= lower[k * n + i] * x[k] }
            x[i] = sum / lower[i * n + i]
        }
        return x
    }

    /// The lower-triangular `L` with `A = L Lᵀ` (row-major), or nil when `A` is not positive definite.
    public static func factor(_ a: [Double], n: Int) -> [Double]? {
        var lower = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    lower[i * n + i] = sum.squareRoot()
                } else {
                    lower[i * n + j] = sum / lower[j * n + j]
                }
            }
        }
        return lower
    }
}
