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
    /// Item features as a second kind of middle step (item → feature → item), weighing `side.weight` against a
    /// liker; nil: likes alone.
    public var side: SideInformation?

    /// α 0.5, β 0.2: the grid's best on the Sketchfab-scale demo alone (the project's defaults are `HarnessSettings`'s).
    public init(alpha: Float = 0.5, beta: Float = 0.2, neighbours: Int = 100, threads: Int = 2,
                side: SideInformation? = nil) {
        self.side = side
        self.alpha = alpha
        self.beta = beta
        self.neighbours = neighbours
        self.threads = max(1, threads)
    }

    public var parameters: [String: String] {
        var parameters = ["alpha": String(alpha), "beta": String(beta), "neighbours": String(neighbours)]
        if let side { parameters["side_weight"] = String(side.weight); parameters["side_features"] = String(side.rows.userCount) }
        return parameters
    }

    public func similarItems(_ matrix: InteractionMatrix) -> [[Neighbour]] {
        walk(matrix).lists(neighbours: neighbours, threads: threads)
    }

    /// The walk on `matrix`, through `side`'s features too when it is set (the tag-aware RP3beta).
    public func walk(_ matrix: InteractionMatrix) -> ItemWalk {
        ItemWalk.rp3beta(matrix, alpha: alpha, beta: beta, side: side)
    }

    @inline(__always) static func power(_ base: Float, _ exponent: Float) -> Float {
        exponent == 1 ? base : exponent == 0 ? 1 : Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
