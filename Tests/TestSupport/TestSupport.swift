import CatalogFiles
import CatalogStore
import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is dropped.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("recasketch-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    public func write(_ name: String, _ text: String) throws -> URL {
        let target = file(name)
        try Data(text.utf8).write(to: target)
        return target
    }

    /// A new catalogue database in this folder.
    public func store(_ name: String = "catalog.sqlite") throws -> CatalogStore {
        try CatalogStore(path: file(name).path)
    }
}

/// A hand-made catalogue small enough to check by hand: six models in two taste groups, likes that tie each
/// group together, and names that exercise the file dialect and HTML escaping.
public enum TinyCatalog {
    public static let ids = (1...6).map { ModelID(String(format: "%032x", $0 * 0x1111))! }
    public static let names = ["Red Car", "Blue Car | Fan Art", "Green Car",
                               "<script>alert(1)</script>", "Dragon \\ Skull", "Dragon\nEgg"]

    public static var models: [ModelRecord] {
        zip(names, ids).map { ModelRecord(name: $0, mid: $1) }
    }

    /// Users 1–4 like cars (models 0–2), users 5–8 like dragons (models 3–5).
    public static var likes: [LikeRecord] {
        var likes: [LikeRecord] = []
        for user in 1...8 {
            let group = user <= 4 ? 0..<3 : 3..<6
            for index in group where (index + user) % 3 != 0 || user % 2 == 0 {
                likes.append(LikeRecord(modelName: names[index], mid: ids[index], user: "user\(user)"))
            }
        }
        return likes
    }

    public static var features: [FeatureRecord] {
        ids.enumerated().flatMap { index, mid in
            [FeatureRecord(mid: mid, kind: .category, value: index < 3 ? "cars-vehicles" : "characters-creatures"),
             FeatureRecord(mid: mid, kind: .tag, value: index < 3 ? "car" : "dragon")]
        }
    }

    /// A stored `evaluate --json` report: two algorithms, one with a learning curve.
    public static let evaluationReport = """
        {"split": {"users": 1200, "items": 340, "train_interactions": 15000, "test_interactions": 1200, "test_users": 240},
         "settings": {"factors": "64", "seed": "42"},
         "algorithms": [
           {"name": "popularity", "fit_seconds": 0.01, "precision@10": 0.05, "ndcg@10": 0.06},
           {"name": "wrmf", "fit_seconds": 1.5, "precision@10": 0.12, "ndcg@10": 0.15,
            "learning_curve": [{"iteration": 1, "train_precision@10": 0.2, "test_precision@10": 0.08},
                               {"iteration": 2, "train_precision@10": 0.3, "test_precision@10": 0.12}]},
           {"name": "ease", "fit_seconds": 0.4, "precision@10": 0.13, "ndcg@10": 0.16,
            "list_rule": {"precision@10": 0.125, "ndcg@10": 0.155}}],
         "settings_searches": [
           {"algorithm": "ease", "chosen": {"regularization": 300, "dropout": 0.25}, "precision@10": 0.11,
            "default_precision@10": 0.1, "seconds": 2.5, "budget_seconds": 15, "validation_users": 48, "items": 340,
            "method": "grid", "kept_defaults": false,
            "trials": [{"settings": {"regularization": 100, "dropout": 0}, "precision@10": 0.1, "seconds": 0.1, "rung": 0},
                       {"settings": {"regularization": 300, "dropout": 0.25}, "precision@10": 0.11, "seconds": 0.1, "rung": 0}]}]}
        """

    /// Writes the four published files into `directory`.
    public static func writeFiles(to directory: URL) throws {
        try CatalogFileFormat.write(models: models, to: directory.appendingPathComponent(CatalogFileFormat.modelsFileName))
        try CatalogFileFormat.write(likes: likes, to: directory.appendingPathComponent(CatalogFileFormat.likesFileName))
        try CatalogFileFormat.write(features: features, to: directory.appendingPathComponent(CatalogFileFormat.featuresFileName))
        try CatalogFileFormat.write(curated: Array(models.prefix(4)), to: directory.appendingPathComponent(CatalogFileFormat.curatedFileName))
    }
}
