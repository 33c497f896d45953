import ParallelWork

/// Top-N most similar items by cosine of their factor vectors, for every item, without an items × items matrix:
/// rows are normalised, candidates are packed into 16-item panels laid out column by column, and a 4 × 16
/// register-blocked kernel scores four query items against a panel at a time into per-row bounded heaps.
public struct FactorSimilarity: Sendable {
    public var neighbours: Int
    public var threads: Int

    public init(neighbours: Int = 20, threads: Int = 2) {
        self.neighbours = neighbours
        self.threads = max(1, threads)
    }

    static let panelWidth = 16
    static let queryBlock = 4
    static let blocksPerGroup = 16

    public func similarItems(_ factors: FactorMatrix) -> [[Neighbour]] {
        nearest(queries: factors, candidates: factors, excludeSameIndex: true)
    }

    /// For each row of `queries`, the `neighbours` rows of `candidates` with the highest cosine (both sides are
    /// normalised here). With `excludeSameIndex`, query `i` never returns candidate `i` (itself).
    public func nearest(queries: FactorMatrix, candidates: FactorMatrix, excludeSameIndex: Bool) -> [[Neighbour]] {
        precondition(queries.columns == candidates.columns, "queries and candidates must have the same width")
        let n = queries.stride
        let normalisedQueries = Self.normalised(queries)
        let normalisedCandidates = excludeSameIndex && queries === candidates ? normalisedQueries : Self.normalised(candidates)
        let count = queries.rows, candidateCount = candidates.rows
        // Panel p holds candidates 16p..<16p+16, stored k-major: panel[k * 16 + j] = candidate (16p + j), component k.
        let panelCount = (candidateCount + Self.panelWidth - 1) / Self.panelWidth
        let panels = FactorMatrix(rows: max(1, panelCount), columns: n * Self.panelWidth)
        for item in 0..<candidateCount {
            let panel = panels.row(item / Self.panelWidth), column = item % Self.panelWidth
            let source = normalisedCandidates.row(item)
            for k in 0..<n { panel[k * Self.panelWidth + column] = source[k] }
        }
        var results = [[Neighbour]](repeating: [], count: count)
        guard count > 0, candidateCount > 0 else { return results }
        let neighbours = self.neighbours
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            let blocks = (count + Self.queryBlock - 1) / Self.queryBlock
            // Blocks are taken in groups, and a group walks every panel once with all its blocks: a panel is then read
            // from memory once per group instead of once per 4 queries (with wide vectors, the panels of a large
            // catalogue far exceed the caches and streaming them dominates).
            let groupSize = Self.blocksPerGroup
            Parallel.forEachChunk(of: blocks, chunk: groupSize, workers: threads) { blockRange, _ in
                let groupQueries = blockRange.count * Self.queryBlock
                var heaps = [TopK](repeating: TopK(capacity: neighbours), count: groupQueries)
                var scores = [Float](repeating: 0, count: Self.queryBlock * Self.panelWidth)
                let firstQuery = blockRange.lowerBound * Self.queryBlock
                scores.withUnsafeMutableBufferPointer { scoreBuffer in
                    let s = scoreBuffer.baseAddress!
                    for panelIndex in 0..<panelCount {
                        let panel = panels.row(panelIndex)
                        let base = panelIndex * Self.panelWidth
                        let width = min(Self.panelWidth, candidateCount - base)
                        for block in blockRange {
                            let first = block * Self.queryBlock
                            let rowsInBlock = min(Self.queryBlock, count - first)
                            // Rows past the end reuse the last real row; their results are dropped.
                            let q0 = normalisedQueries.row(first)
                            let q1 = normalisedQueries.row(first + min(1, rowsInBlock - 1))
                            let q2 = normalisedQueries.row(first + min(2, rowsInBlock - 1))
                            let q3 = normalisedQueries.row(first + min(3, rowsInBlock - 1))
                            Self.kernel(q0, q1, q2, q3, panel, n, s)
                            for r in 0..<rowsInBlock {
                                let excluded = excludeSameIndex ? first + r : -1
                                let heapIndex = first + r - firstQuery
                                for j in 0..<width where base + j != excluded {
                                    heaps[heapIndex].insert(item: Int32(base + j), score: s[r * Self.panelWidth + j])
                                }
                            }
                        }
                    }
                }
                for query in firstQuery..<min(count, firstQuery + groupQueries) { output[query] = heaps[query - firstQuery].sorted() }
            }
        }
        return results
    }

    static func normalised(_ factors: FactorMatrix) -> FactorMatrix {
        let n = factors.stride
        let normalised = FactorMatrix(rows: factors.rows, columns: factors.columns)
        for row in 0..<factors.rows {
            let source = factors.row(row), target = normalised.row(row)
            let norm = VectorKernels.dot(source, source, n).squareRoot()
            let scale: Float = norm > 0 ? 1 / norm : 0
            for k in 0..<n { target[k] = source[k] * scale }
        }
        return normalised
    }

    /// Scores four query rows against one 16-item panel: 8 SIMD8 accumulators, two panel loads per component.
    @inline(__always)
    static func kernel(_ q0: UnsafePointer<Float>, _ q1: UnsafePointer<Float>, _ q2: UnsafePointer<Float>,
                       _ q3: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, _ n: Int,
                       _ out: UnsafeMutablePointer<Float>) {
        var a0 = SIMD8<Float>(), b0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b1 = SIMD8<Float>()
        var a2 = SIMD8<Float>(), b2 = SIMD8<Float>(), a3 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var pointer = panel
        for k in 0..<n {
            let left = VectorKernels.load(pointer), right = VectorKernels.load(pointer + 8)
            let s0 = SIMD8<Float>(repeating: q0[k]), s1 = SIMD8<Float>(repeating: q1[k])
            let s2 = SIMD8<Float>(repeating: q2[k]), s3 = SIMD8<Float>(repeating: q3[k])
            a0.addProduct(s0, left); b0.addProduct(s0, right)
            a1.addProduct(s1, left); b1.addProduct(s1, right)
            a2.addProduct(s2, left); b2.addProduct(s2, right)
            a3.addProduct(s3, left); b3.addProduct(s3, right)
            pointer += 16
        }
        VectorKernels.store(a0, out); VectorKernels.store(b0, out + 8)
        VectorKernels.store(a1, out + 16); VectorKernels.store(b1, out + 24)
        VectorKernels.store(a2, out + 32); VectorKernels.store(b2, out + 40)
        VectorKernels.store(a3, out + 48); VectorKernels.store(b3, out + 56)
    }
}
