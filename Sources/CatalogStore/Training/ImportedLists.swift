import Foundation
import GRDB

/// Lists computed by a recommender built elsewhere, as `import-lists` checked them: per model, its neighbours best
/// first, by database id.
public struct ImportedLists: Sendable {
    public var run: AlgorithmRun
    /// Database ids of the models with a list, parallel to `lists`.
    public var models: [Int64]
    public var lists: [[(model: Int64, score: Float)]]

    public init(run: AlgorithmRun, models: [Int64], lists: [[(model: Int64, score: Float)]]) {
        precondition(models.count == lists.count, "one list per model")
        self.run = run
        self.models = models
        self.lists = lists
    }

}

extension CatalogStore {
    /// Replaces the lists stored under `imported.run.algorithm` and publishes them, in one transaction: running
    /// servers see the old lists or the new ones, and a failure leaves the old ones.
    public func replaceImportedLists(_ imported: ImportedLists) throws {
        let parameters = String(decoding: try JSONSerialization.data(withJSONObject: imported.run.parameters, options: [.sortedKeys]),
                                as: UTF8.self)
        let run = imported.run
        try database.write { db in
            try Self.replaceRun(run, parameters: parameters, trainedAt: ISO8601DateFormatter().string(from: run.trainedAt), in: db)
            let insert = try db.makeStatement(sql: """
                INSERT INTO recommendations (algorithm, model_id, rank, recommended_id, score) VALUES (?, ?, ?, ?, ?)
                """)
            for (model, list) in zip(imported.models, imported.lists) {
                for (rank, neighbour) in list.enumerated() {
                    try insert.execute(arguments: [run.algorithm, model, rank + 1, neighbour.model, Double(neighbour.score)])
                }
            }
            try Self.publish(db)
        }
    }

    /// Removes an imported recommender's lists and its run, and publishes; false when nothing was stored under the
    /// name.
    public func removeImportedLists(algorithm: String) throws -> Bool {
        try database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM algorithm_runs WHERE algorithm = ?", arguments: [algorithm]) ?? 0 > 0 else {
                return false
            }
            try db.execute(sql: "DELETE FROM recommendations WHERE algorithm = ?", arguments: [algorithm])
            try db.execute(sql: "DELETE FROM algorithm_runs WHERE algorithm = ?", arguments: [algorithm])
            try Self.publish(db)
            return true
        }
    }
}
