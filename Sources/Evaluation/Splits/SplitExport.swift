import CatalogStore
import Crypto
import Foundation

/// `export-split`: the very split `evaluate --db` scores for a seed, written for another tool to train on, with
/// the catalogue's model uids and anonymous user ids, the models' tags, names and links, and a manifest whose
/// checksums say the files are the ones written.
public struct SplitExport: Sendable {
    public var store: CatalogStore
    public var holdout: HoldoutSplit
    public var directory: URL

    public init(store: CatalogStore, holdout: HoldoutSplit, directory: URL) {
        self.store = store
        self.holdout = holdout
        self.directory = directory
    }

    public struct Report: Sendable {
        public var counts: [String: Int]
        public var files: [String]
    }

    public func run() throws -> Report {
        let split = try SplitSource.catalog(store).load(holdout: holdout)
        let names = try store.catalogNames()
        func rows(_ triples: HoldoutSplit.Triples) -> String {
            var text = "user,item\n"
            text.reserveCapacity(triples.count * 48)
            for triple in triples {
                text += "\(names.user(triple.user) ?? triple.user),\(names.model(triple.item) ?? triple.item)\n"
            }
            return text
        }
        var features = "item,feature\n"
        for assignment in try store.featureAssignments() {
            guard let mid = names.modelUIDs[assignment.modelID] else { continue }
            features += "\(mid),\(Self.csvField(assignment.feature.name))\n"
        }
        var items = "uid,name,link,thumbnail\n"
        for model in try store.exportedModels() {
            items += [model.mid, model.name, model.url, model.thumbnailURL ?? ""].map(Self.csvField).joined(separator: ",") + "\n"
        }
        let files = [("train.csv", rows(split.train)), ("test.csv", rows(split.test)), ("features.csv", features), ("items.csv", items)]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var checksums: [String: String] = [:]
        for (name, text) in files {
            let data = Data(text.utf8)
            checksums[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            try data.write(to: directory.appendingPathComponent(name), options: .atomic)
        }
        let counts = ["train_likes": split.train.count, "test_likes": split.test.count,
                      "users": Set(split.train.map(\.user)).union(split.test.map(\.user)).count,
                      "test_users": Set(split.test.map(\.user)).count, "items": names.modelUIDs.count]
        let manifest: [String: Any] = [
            "seed": holdout.seed, "database": store.path, "counts": counts, "sha256": checksums,
            "protocol": [
                "min_user_likes": holdout.threshold.minimumUserInteractions, "min_item_likes": holdout.threshold.minimumItemInteractions,
                "holdout_per_user": holdout.holdout, "test_user_fraction": holdout.fraction,
                "description": "k-core thresholding, then for the fraction of users drawn among those with at least twice the holdout, that many likes move to test.csv (seeded); `recasketch evaluate --db` with the same seed and flags scores this split",
            ],
            "ids": "items by Sketchfab model uid, users by the catalogue's anonymous user id",
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("split.json"), options: .atomic)
        return Report(counts: counts, files: files.map(\.0) + ["split.json"])
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, inner quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
