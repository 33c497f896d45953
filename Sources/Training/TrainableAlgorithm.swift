import Foundation
/// The algorithms `train` can run, in the order the model page shows their carousels. The raw value is the name
/// used on the command line, in the database and in URLs.
public enum TrainableAlgorithm: String, CaseIterable, Sendable, Comparable {
    case visual
    case wrmf
    case warpTags = "warp-tags"
    case itemKNN = "itemknn"
    case popularity

    public var title: String {
        switch self {
        case .visual: "Visually similar"
        case .wrmf: "Users who liked this also liked"
        case .warpTags: "Likes + tags"
        case .itemKNN: "Often liked together"
        case .popularity: "Most liked overall"
        }
    }

    public var description: String {
        switch self {
        case .visual:
            "Models whose thumbnails look alike, by cosine similarity of image features: a pretrained image network's (EfficientNet-Lite0) when its weights are installed, else a colour layout and edge-orientation histograms."
        case .wrmf:
            "Matrix factorisation of who liked what (implicit ALS): models liked by people with similar taste."
        case .warpTags:
            "A learning-to-rank model trained on likes that also knows each model's tags and categories."
        case .itemKNN:
            "Models that share the most likers with this one, relative to how popular both are (cosine similarity of co-likes)."
        case .popularity:
            "The most-liked models in the catalogue, the same for every page: the baseline every other algorithm must beat."
        }
    }

    /// Position of the carousel on the model page: the original's three first, the baselines after.
    public var displayOrder: Int {
        switch self {
        case .visual: 10
        case .wrmf: 20
        case .warpTags: 30
        case .itemKNN: 40
        case .popularity: 90
        }
    }

    /// Lists learnt from likes alone, explained by the users who liked both models.
    public var explainsWithLikes: Bool { self == .wrmf || self == .itemKNN }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.displayOrder < rhs.displayOrder }

    /// Parses a comma-separated list such as "wrmf,visual", naming the first unknown entry.
    public static func list(_ text: String) throws -> [TrainableAlgorithm] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let algorithm = TrainableAlgorithm(rawValue: name) else {
                throw TrainingError(description: "unknown algorithm \"\(name)\" (available: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return algorithm
        }
    }
}
