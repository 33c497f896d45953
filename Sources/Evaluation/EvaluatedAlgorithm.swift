import Foundation
import Recommenders

/// The algorithms `evaluate` and `tune` can fit and score on a split.
public enum EvaluatedAlgorithm: String, CaseIterable, Sendable, Codable {
    case popularity
    case itemKNN = "itemknn"
    case wrmf
    case warp
    case warpTags = "warp-tags"
    case bpr
    case bprTags = "bpr-tags"
    /// WRMF's model fitted by Spark MLlib's implicit ALS (through spark-submit), scored like `wrmf`.
    case sparkALS = "spark-als"

    /// The learning-to-rank models, the ones `tune` searches settings for.
    public static let learningToRank: [EvaluatedAlgorithm] = [.warp, .warpTags, .bpr, .bprTags]

    /// Whether the algorithm reads item features (tags and categories) besides the likes.
    public var usesSideFeatures: Bool { self == .warpTags || self == .bprTags }

    public var isLearningToRank: Bool { Self.learningToRank.contains(self) }

    /// The loss of a learning-to-rank model.
    public var rankingLoss: HybridTraining.Loss? {
        switch self {
        case .warp, .warpTags: .warp
        case .bpr, .bprTags: .bpr
        case .popularity, .itemKNN, .wrmf, .sparkALS: nil
        }
    }

    /// Parses a comma-separated list such as "popularity,itemknn,wrmf", naming the first unknown entry.
    public static func list(_ text: String) throws -> [EvaluatedAlgorithm] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let algorithm = EvaluatedAlgorithm(rawValue: name) else {
                throw HarnessError(description: "unknown algorithm \"\(name)\" (available: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return algorithm
        }
    }
}
