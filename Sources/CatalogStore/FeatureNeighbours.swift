import Foundation
import GRDB

/// A tag or category, as stored: `kind` is `tag` or `category`.
public struct FeatureKey: Hashable, Sendable, Comparable {
    public var kind: String
    public var value: String
    public init(kind: String, value: String) { self.kind = kind; self.value = value }
    public static func < (a: FeatureKey, b: FeatureKey) -> Bool { (a.kind, a.value) < (b.kind, b.value) }
    /// The name the models use for it: `tag:dragon`.
    public var name: String { "\(kind):\(value)" }
}

extension CatalogStore {
    /// Every (model id, feature) assignment, for models' side information.
    public func featureAssignments() throws -> [(modelID: Int64, feature: FeatureKey)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT model_id, kind, value FROM features ORDER BY model_id, kind, value").map {
                (modelID: $0[0], feature: FeatureKey(kind: $0[1], value: $0[2]))
            }
        }
    }

    /// Replaces the stored feature → models lists and model → suggested features lists in one transaction.
    public func saveFeatureNeighbours(models: [FeatureKey: [(modelID: Int64, score: Float)]],
                                      suggestions: [Int64: [(feature: FeatureKey, score: Float)]]) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM feature_models")
            try db.execute(sql: "DELETE FROM feature_suggestions")
            let insertModel = try db.makeStatement(sql: """
                INSERT INTO feature_models (kind, value, rank, model_id, score) VALUES (?, ?, ?, ?, ?)
                """)
            for (feature, list) in models.sorted(by: { $0.key < $1.key }) {
                for (rank, entry) in list.enumerated() {
                    try insertModel.execute(arguments: [feature.kind, feature.value, rank + 1, entry.modelID, Double(entry.score)])
                }
            }
            let insertSuggestion = try db.makeStatement(sql: """
                INSERT INTO feature_suggestions (model_id, rank, kind, value, score) VALUES (?, ?, ?, ?, ?)
                """)
            for (modelID, list) in suggestions.sorted(by: { $0.key < $1.key }) {
                for (rank, entry) in list.enumerated() {
                    try insertSuggestion.execute(arguments: [modelID, rank + 1, entry.feature.kind, entry.feature.value, Double(entry.score)])
                }
            }
        }
    }

    /// The models the likes + tags model places nearest to a tag or category, best first.
    public func modelsNear(_ feature: FeatureKey, limit: Int = 24) async throws -> [(model: ModelSummary, score: Double)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.mid, m.name, m.url, m.thumbnail_url, m.like_count, f.score
                FROM feature_models f JOIN models m ON m.id = f.model_id
                WHERE f.kind = ? AND f.value = ? ORDER BY f.rank LIMIT ?
                """, arguments: [feature.kind, feature.value, limit]).map {
                (ModelSummary(mid: $0[0], name: $0[1], url: $0[2], thumbnailURL: $0[3], likeCount: $0[4]), $0[5])
            }
        }
    }

    /// The model's own tags and categories, and the ones suggested for it.
    public func modelFeatures(mid: String) async throws -> (carried: [FeatureKey], suggested: [(feature: FeatureKey, score: Double)]) {
        try await database.read { db in
            let carried = try Row.fetchAll(db, sql: """
                SELECT f.kind, f.value FROM features f JOIN models m ON m.id = f.model_id
                WHERE m.mid = ? ORDER BY f.kind, f.value
                """, arguments: [mid]).map { FeatureKey(kind: $0[0], value: $0[1]) }
            let suggested = try Row.fetchAll(db, sql: """
                SELECT s.kind, s.value, s.score FROM feature_suggestions s JOIN models m ON m.id = s.model_id
                WHERE m.mid = ? ORDER BY s.rank
                """, arguments: [mid]).map { (feature: FeatureKey(kind: $0[0], value: $0[1]), score: $0[2] as Double) }
            return (carried, suggested)
        }
    }
}
