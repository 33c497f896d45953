import CatalogFiles
import Foundation
import Recommenders

/// Where `evaluate` and `tune` get their data: a whole interaction file to threshold and split, or a ready split.
public enum SplitSource: Sendable {
    /// `user,item[,weight]` CSV with a header, to threshold and split.
    case interactions(URL, separator: UInt8)
    /// A published `model_likes_anon.psv` (modelname|mid|uid), to threshold and split.
    case publishedLikes(URL)
    /// A training split, and a test split when the command scores one.
    case split(train: URL, test: URL?, separator: UInt8)

    /// The train and test triples (test is empty when only a training split was given). Format errors name the
    /// file and line.
    public func load(holdout: HoldoutSplit) throws -> (train: HoldoutSplit.Triples, test: HoldoutSplit.Triples) {
        switch self {
        case .split(let train, let test, let separator):
            return (try InteractionsCSV.read(train, separator: separator),
                    try test.map { try InteractionsCSV.read($0, separator: separator) } ?? [])
        case .publishedLikes(let url):
            return try holdout.split(CatalogFileFormat.readLikes(PSVReader(contentsOf: url))
                .map { (user: $0.user, item: $0.mid.rawValue, weight: Float(1)) })
        case .interactions(let url, let separator):
            return try holdout.split(InteractionsCSV.read(url, separator: separator))
        }
    }
}

/// Item features for the -tags algorithms: `item,feature[,weight]` CSV, or a published model_feats.psv whose
/// features are named `kind:value`.
public enum ItemFeatureSource {
    public static func load(_ url: URL) throws -> [(item: String, feature: String, weight: Float)] {
        if url.pathExtension == "psv" {
            return try CatalogFileFormat.readFeatures(PSVReader(contentsOf: url))
                .map { ($0.mid.rawValue, "\($0.kind.rawValue):\($0.value)", 1) }
        }
        return try ItemFeaturesCSV.read(url)
    }
}
