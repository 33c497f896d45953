import Foundation
import ParallelWork

/// RP3beta (Paudel, Christoffel, Newell & Bernstein 2016): a three-step random walk item → user → item on the
/// likes graph, each transition probability raised to `alpha`, the arrival item's weight divided by its popularity
/// to the power `beta`:
///
///     W_ij = Σ_{u liked i and j} (1/|U(i)|)^α (1/|I(u)|)^α / |U(j)|^β
///
/// `beta` is the popularity correction that keeps the most-liked models from appearing in every list (the hubs);
/// `beta = 0` is the plain P³ walk. The top `neighbours` of each row are kept.
public struct RP3beta: Sendable {
    public var alpha: Float
    public var beta: Float
    public var neighbours: Int
    public var threads: Int

    /// α 0.5, β 0.2: the best of the grid on the Sketchfab-scale demo.
    public init(alpha: Float = 0.5, beta: Float = 0.2, neighbours: Int = 100, threads: Int = 2) {
        self.alpha = alpha
        self.beta = beta
        self.neighbours = neighbours
        self.threads = max(1, threads)
    }

    public var parameters: [String: String] {
        ["alpha": String(alpha), "beta": String(beta), "neighbours": String(neighbours)]
    }

    public func similarItems(_ matrix: InteractionMatrix) -> [[Neighbour]] {
        let itemCount = matrix.itemCount
        let userStep = (0..<matrix.userCount).map { user -> Float in
            let degree = matrix.userDegree(user)
            return degree > 0 ? Self.power(1 / Float(degree), alpha) : 0
        }
        let itemStep = (0..<itemCount).map { item -> Float in
            let degree = matrix.itemDegree(item)
            return degree > 0 ? Self.power(1 / Float(degree), alpha) : 0
        }
        let arrival = (0..<itemCount).map { item -> Float in
            let degree = matrix.itemDegree(item)
            return degree > 0 ? 1 / Self.power(Float(degree), beta) : 0
        }
        var results = [[Neighbour]](repeating: [], count: itemCount)
        let neighbours = self.neighbours
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let out = output.baseAddress!
            Parallel.forEachChunk(of: itemCount, chunk: 64, workers: threads) { range, _ in
                var weights = [Float](repeating: 0, count: itemCount)
                var touched: [Int32] = []
                weights.withUnsafeMutableBufferPointer { weights in
                    for item in range {
                        touched.removeAll(keepingCapacity: true)
                        for user in matrix.users(ofItem: item) {
                            let step = userStep[Int(user)]
                            for other in matrix.items(ofUser: Int(user)) where Int(other) != item {
                                if weights[Int(other)] == 0 { touched.append(other) }
                                weights[Int(other)] += step
                            }
                        }
                        var best = TopK(capacity: neighbours)
                        let start = itemStep[item]
                        for other in touched {
                            let index = Int(other)
                            best.insert(item: other, score: start * weights[index] * arrival[index])
                            weights[index] = 0
                        }
                        out[item] = best.sorted()
                    }
                }
            }
        }
        return results
    }

    @inline(__always) static func power(_ base: Float, _ exponent: Float) -> Float {
        exponent == 1 ? base : exponent == 0 ? 1 : Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
