/// The inverse of a dense row-major matrix by Gauss–Jordan elimination in Double, without pivoting (the tests'
/// Gram matrices plus λI are symmetric positive definite): the reference the Float32 block sweep is checked against.
enum DenseInverse {
    static func gaussJordan(_ matrix: [Double], order n: Int) -> [Double] {
        var gram = matrix
        var inverse = (0..<(n * n)).map { $0 / n == $0 % n ? 1.0 : 0.0 }
        for pivot in 0..<n {
            let scale = gram[pivot * n + pivot]
            for j in 0..<n { gram[pivot * n + j] /= scale; inverse[pivot * n + j] /= scale }
            for row in 0..<n where row != pivot {
                let factor = gram[row * n + pivot]
                for j in 0..<n { gram[row * n + j] -= factor * gram[pivot * n + j]; inverse[row * n + j] -= factor * inverse[pivot * n + j] }
            }
        }
        return inverse
    }
}
