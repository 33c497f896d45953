/// Rows of unit length, each named by a model id, and the nearest of them to a query by cosine (SIMD dot products):
/// the catalogue's image features, or its Likes + tags representations.
public struct UnitVectors: Sendable {
    public let mids: [String]
    public let dimension: Int
    /// `mids.count × dimension`, row-major.
    let rows: [Float]

    public var count: Int { mids.count }
    public var bytes: Int { rows.count * MemoryLayout<Float>.size }

    /// `values`: `dimension` values per model, normalised here.
    public init(mids: [String], dimension: Int, values: consuming [Float]) {
        precondition(values.count == mids.count * dimension)
        self.mids = mids
        self.dimension = dimension
        // In place: at Sketchfab scale the image features are ~150 MB, and a second copy would stay in the heap.
        var rows = values
        rows.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<mids.count {
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[(row * dimension)..<((row + 1) * dimension)])
                let norm = slice.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { continue }
                for k in slice.indices { slice[k] /= norm }
            }
        }
        self.rows = rows
    }

    static func normalised(_ values: some Collection<Float>) -> [Float] {
        let norm = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : Array(values)
    }

    /// The `count` rows nearest to `query` by cosine, best first.
    public func nearest(to query: [Float], count wanted: Int) -> [LiveModel.Suggestion] {
        guard query.count == dimension, !mids.isEmpty, wanted > 0 else { return [] }
        let unit = Self.normalised(query)
        var best: [(index: Int, score: Float)] = []
        rows.withUnsafeBufferPointer { rows in
            unit.withUnsafeBufferPointer { q in
                for row in 0..<mids.count {
                    let base = row * dimension
                    var sum = SIMD8<Float>(repeating: 0)
                    var k = 0
                    while k + 8 <= dimension {
                        sum.addProduct(SIMD8(rows[(base + k)..<(base + k + 8)]), SIMD8(q[k..<(k + 8)]))
                        k += 8
                    }
                    var score = sum.sum()
                    while k < dimension { score += rows[base + k] * q[k]; k += 1 }
                    if best.count < wanted {
                        best.append((row, score))
                        if best.count == wanted { best.sort { $0.score > $1.score } }
                    } else if score > best[wanted - 1].score {
                        var at = wanted - 1
                        while at > 0, best[at - 1].score < score { at -= 1 }
                        best.insert((row, score), at: at)
                        best.removeLast()
                    }
                }
            }
        }
        return best.sorted { $0.score > $1.score }.map { LiveModel.Suggestion(mid: mids[$0.index], score: $0.score) }
    }
}
