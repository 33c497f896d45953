import Dispatch
import ParallelWork

/// Item-to-item cosine similarity on co-likes: `|U(i) ∩ U(j)| / sqrt(|U(i)| |U(j)|)`.
///
/// For each item the co-like counts are accumulated into a dense scratch row by walking its users' items, so the
/// cost is the number of (item, co-liked item) paths, and no item × item matrix is ever held.
public struct ItemKNN: Sendable {
    public var neighbours: Int
    /// Pairs sharing fewer likers than this are ignored: a single shared like is mostly noise.
    public var minimumCoLikes: Int
    public var threads: Int

    public init(neighbours: Int = 12, minimumCoLikes: Int = 1, threads: Int = 2) {
        self.neighbours = neighbours
        self.minimumCoLikes = minimumCoLikes
        self.threads = max(1, threads)
    }

    public func similarItems(_ matrix: InteractionMatrix) -> [[Neighbour]] {
        let itemCount = matrix.itemCount
        var results = [[Neighbour]](repeating: [], count: itemCount)
        let chunks = max(1, min(itemCount, threads * 8))
        let norms = (0..<itemCount).map { Float(matrix.itemDegree($0)).squareRoot() }
        results.withUnsafeMutableBufferPointer { output in
            let outputBase = output.baseAddress!
            nonisolated(unsafe) let sendableOutput = outputBase
            Parallel.forEachShare(of: itemCount, workers: chunks) { share, _ in
                let start = share.lowerBound, end = share.upperBound
                var coLikes = [Int32](repeating: 0, count: itemCount)
                var touched: [Int32] = []
                coLikes.withUnsafeMutableBufferPointer { counts in
                    for item in start..<end {
                        touched.removeAll(keepingCapacity: true)
                        for user in matrix.users(ofItem: item) {
                            for other in matrix.items(ofUser: Int(user)) where Int(other) != item {
                                if counts[Int(other)] == 0 { touched.append(other) }
                                counts[Int(other)] += 1
                            }
                        }
                        var best = TopK(capacity: neighbours)
                        let norm = norms[item]
                        for other in touched {
                            let shared = counts[Int(other)]
                            counts[Int(other)] = 0
                            guard shared >= minimumCoLikes else { continue }
                            best.insert(item: other, score: Float(shared) / (norm * norms[Int(other)]))
                        }
                        sendableOutput[item] = best.sorted()
                    }
                }
            }
        }
        return results
    }
}

/// The most-liked items, the same list for every item (minus the item itself): the baseline every other
/// algorithm has to beat.
public struct Popularity: Sendable {
    public var neighbours: Int
    public init(neighbours: Int = 12) { self.neighbours = neighbours }

    public func ranking(_ matrix: InteractionMatrix) -> [Int32] {
        (0..<Int32(matrix.itemCount)).sorted {
            let a = matrix.itemDegree(Int($0)), b = matrix.itemDegree(Int($1))
            return a != b ? a > b : $0 < $1
        }
    }

    public func similarItems(_ matrix: InteractionMatrix) -> [[Neighbour]] {
        let top = Array(ranking(matrix).prefix(neighbours + 1))
        let total = Float(max(1, matrix.interactionCount))
        return (0..<matrix.itemCount).map { item in
            top.lazy.filter { Int($0) != item }.prefix(neighbours).map {
                Neighbour(item: $0, score: Float(matrix.itemDegree(Int($0))) / total)
            }
        }
    }
}
