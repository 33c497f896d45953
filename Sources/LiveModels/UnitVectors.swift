import Recommenders

/// Rows of unit length, each named by a model id, and the nearest of them to a query by cosine: the catalogue's
/// image features, or its Likes + tags representations. Rows live in a `FactorMatrix` (padded for SIMD8) and are
/// ranked with the recommenders' dot kernel and `TopK`.
public struct UnitVectors: Sendable {
    public let mids: [String]
    let rows: FactorMatrix

    public var count: Int { mids.count }
    public var dimension: Int { rows.columns }

    /// `values`: `dimension` values per model, normalised as they are copied in.
    public init(mids: [String], dimension: Int, values: [Float]) {
        precondition(values.count == mids.count * dimension)
        self.mids = mids
        rows = FactorMatrix(rows: mids.count, columns: dimension)
        values.withUnsafeBufferPointer { source in
            for row in 0..<mids.count {
                let slice = source[(row * dimension)..<((row + 1) * dimension)]
                let norm = slice.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                let target = rows.row(row)
                for (k, value) in slice.enumerated() { target[k] = norm > 0 ? value / norm : value }
            }
        }
    }

    /// The `count` rows nearest to `query` by cosine, best first.
    public func nearest(to query: [Float], count wanted: Int) -> [LiveModel.Suggestion] {
        guard query.count == dimension, !mids.isEmpty, wanted > 0 else { return [] }
        let norm = query.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        var unit = [Float](repeating: 0, count: rows.stride)
        for (k, value) in query.enumerated() { unit[k] = norm > 0 ? value / norm : value }
        var best = TopK(capacity: wanted)
        unit.withUnsafeBufferPointer { q in
            for row in 0..<mids.count {
                best.insert(item: Int32(row), score: VectorKernels.dot(rows.row(row), q.baseAddress!, rows.stride))
            }
        }
        return best.sorted().map { LiveModel.Suggestion(mid: mids[Int($0.item)], score: $0.score) }
    }
}
