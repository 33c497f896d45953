/// Recommendations for someone the model never saw, from the models they liked: their factors are solved from
/// WRMF's least-squares step with the item factors held fixed (`(YᵀY + λI + Σ α yᵢyᵢᵀ) x = Σ (1 + α) yᵢ`), then
/// every model is scored by `yᵢ · x`. `YᵀY + λI` is summed once, so a request costs one k×k solve and one pass
/// over the item factors.
public final class FoldInRecommender: Sendable {
    public let factors: Int
    public let itemCount: Int
    let alpha: Double
    let regularization: Double
    /// Item factors, rows padded to a multiple of 8 floats for the SIMD dot product.
    let rows: FactorMatrix
    let known: [Bool]
    /// `YᵀY + λI`, row-major k×k.
    let gram: [Double]

    /// `vectors`: `factors` values per item; `known[i]` false for items without factors (never liked).
    public init(vectors: [Float], factors: Int, known: [Bool], regularization: Float, alpha: Float) {
        precondition(factors > 0 && vectors.count == known.count * factors, "one row of factors per item")
        self.factors = factors
        itemCount = known.count
        self.alpha = Double(alpha)
        self.regularization = Double(regularization)
        self.known = known
        let rows = FactorMatrix(rows: known.count, columns: factors)
        var gram = [Double](repeating: 0, count: factors * factors)
        for item in 0..<known.count where known[item] {
            let target = rows.row(item)
            for column in 0..<factors { target[column] = vectors[item * factors + column] }
            for i in 0..<factors {
                let yi = Double(target[i])
                guard yi != 0 else { continue }
                for j in i..<factors { gram[i * factors + j] += yi * Double(target[j]) }
            }
        }
        for i in 0..<factors {
            gram[i * factors + i] += Double(regularization)
            for j in 0..<i { gram[i * factors + j] = gram[j * factors + i] }
        }
        self.rows = rows
        self.gram = gram
    }

    /// Whether `item` has factors (someone liked it when the model was trained).
    public func isKnown(_ item: Int) -> Bool { item >= 0 && item < itemCount && known[item] }

    /// The `count` best models for a visitor who liked `liked`, best first; liked models never come back. Empty when
    /// none of the liked models has factors.
    public func recommend(liked: [Int], count: Int) -> [Neighbour] {
        recommend(liked: liked, outside: [], count: count)
    }

    /// The same, where some liked models are outside the model: `outside` gives their factors (solved from their
    /// likers by `factors(likedBy:)`), folded in like the others.
    public func recommend(liked: [Int], outside: [[Float]], count: Int) -> [Neighbour] {
        guard count > 0, let x = userFactors(liked: liked, outside: outside) else { return [] }
        let excluded = Set(liked)
        var best = TopK(capacity: count + excluded.count)
        x.withUnsafeBufferPointer { user in
            let n = rows.stride
            for item in 0..<itemCount where known[item] {
                best.insert(item: Int32(item), score: VectorKernels.dot(rows.row(item), user.baseAddress!, n))
            }
        }
        return Array(best.sorted().lazy.filter { !excluded.contains(Int($0.item)) }.prefix(count))
    }

    /// The mirror, for a model the model never saw: its factors solved from the factors of users who liked it
    /// (each folded in from their own likes), `(Σ (1 + α) xᵤxᵤᵀ + λI) y = Σ (1 + α) xᵤ` (the unobserved users'
    /// term is left out: their factors are not kept), then the `count` models nearest to it by cosine, as the
    /// likes carousel ranks its neighbours. Empty when none of the likers' likes has factors.
    public func similarToLikedBy(_ likers: [[Int]], count: Int) -> [Neighbour] {
        guard count > 0, let y = factors(likedBy: likers) else { return [] }
        return nearest(to: y, count: count)
    }

    /// The factors of a model the model never saw, from the models each of its likers liked; nil when none of them
    /// folds in.
    public func factors(likedBy likers: [[Int]]) -> [Float]? {
        let users = likers.compactMap { userFactors(liked: $0) }
        guard !users.isEmpty else { return nil }
        var a = [Double](repeating: 0, count: factors * factors), b = [Double](repeating: 0, count: factors)
        for x in users {
            for i in 0..<factors {
                let xi = Double(x[i])
                b[i] += (1 + alpha) * xi
                for j in 0..<factors { a[i * factors + j] += (1 + alpha) * xi * Double(x[j]) }
            }
        }
        for i in 0..<factors { a[i * factors + i] += max(regularization, 1e-6) }
        guard let solution = Cholesky.solve(a, b, n: factors) else { return nil }
        return solution.map(Float.init)
    }

    /// The `count` models nearest by cosine to a vector of `factors` values.
    public func nearest(to factorsOfModel: [Float], count: Int) -> [Neighbour] {
        guard factorsOfModel.count == factors, count > 0 else { return [] }
        var y = [Float](repeating: 0, count: rows.stride)
        var norm: Float = 0
        for i in 0..<factors { y[i] = factorsOfModel[i]; norm += y[i] * y[i] }
        guard norm > 0 else { return [] }
        norm = norm.squareRoot()
        var best = TopK(capacity: count)
        y.withUnsafeBufferPointer { item in
            let n = rows.stride
            for other in 0..<itemCount where known[other] {
                let row = rows.row(other)
                let length = VectorKernels.dot(row, row, n).squareRoot()
                guard length > 0 else { continue }
                best.insert(item: Int32(other), score: VectorKernels.dot(row, item.baseAddress!, n) / (length * norm))
            }
        }
        return best.sorted()
    }

    /// A visitor's factors from the models they liked (padded to the rows' stride); nil when none has factors.
    func userFactors(liked: [Int], outside: [[Float]] = []) -> [Float]? {
        let usable = Set(liked.filter(isKnown)).sorted()
        let extra = outside.filter { $0.count == factors }
        guard !usable.isEmpty || !extra.isEmpty else { return nil }
        var a = gram
        var b = [Double](repeating: 0, count: factors)
        for vector in extra {
            for i in 0..<factors {
                let yi = Double(vector[i])
                b[i] += (1 + alpha) * yi
                guard yi != 0 else { continue }
                for j in 0..<factors { a[i * factors + j] += alpha * yi * Double(vector[j]) }
            }
        }
        for item in usable {
            let y = rows.row(item)
            for i in 0..<factors {
                let yi = Double(y[i])
                b[i] += (1 + alpha) * yi
                guard yi != 0 else { continue }
                let scaled = alpha * yi
                for j in 0..<factors { a[i * factors + j] += scaled * Double(y[j]) }
            }
        }
        guard let solution = Cholesky.solve(a, b, n: factors) else { return nil }
        var x = [Float](repeating: 0, count: rows.stride)
        for i in 0..<factors { x[i] = Float(solution[i]) }
        return x
    }
}
