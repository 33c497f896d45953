import CatalogFiles
import CatalogStore
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
    /// The likes stored in a catalogue database, to threshold and split (items are named by database id).
    case catalog(CatalogStore)

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
        case .catalog(let store):
            let likes = try store.trainingLikes()
            return try holdout.split(likes.pairs.map {
                (user: String($0.user), item: String(likes.modelIDs[Int($0.item)]), weight: Float(1))
            })
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

    /// A catalogue's tags and categories, named `kind:value`, on items named as `SplitSource.catalog` names them.
    public static func load(_ store: CatalogStore) throws -> [(item: String, feature: String, weight: Float)] {
        try store.featureAssignments().map { (String($0.modelID), $0.feature.name, 1) }
    }
}
