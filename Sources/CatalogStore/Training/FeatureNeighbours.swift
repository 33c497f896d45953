import CatalogFiles
import Foundation
import GRDB

/// A tag or category with its value, as the site and the models know it.
public struct FeatureKey: Hashable, Sendable, Comparable {
    public var kind: FeatureKind
    public var value: String
    public init(kind: FeatureKind, value: String) { self.kind = kind; self.value = value }
    /// From a stored row; nil for a kind this build does not know.
    public init?(storedKind: String, value: String) {
        guard let kind = FeatureKind(rawValue: storedKind) else { return nil }
        self.init(kind: kind, value: value)
    }
    public static func < (a: FeatureKey, b: FeatureKey) -> Bool { (a.kind.rawValue, a.value) < (b.kind.rawValue, b.value) }
    /// The name the models use for it: `tag:dragon`.
    public var name: String { "\(kind.rawValue):\(value)" }
    /// From `name`.
    public init?(name: String) {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        self.init(storedKind: String(name[..<colon]), value: String(name[name.index(after: colon)...]))
    }
}

extension CatalogStore {
    /// Every (model id, feature) assignment, for models' side information.
    public func featureAssignments() throws -> [(modelID: Int64, feature: FeatureKey)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT model_id, kind, value FROM features ORDER BY model_id, kind, value").compactMap { row in
                FeatureKey(storedKind: row[1], value: row[2]).map { (modelID: row[0], feature: $0) }
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
                    try insertModel.execute(arguments: [feature.kind.rawValue, feature.value, rank + 1, entry.modelID, Double(entry.score)])
                }
            }
            let insertSuggestion = try db.makeStatement(sql: """
                INSERT INTO feature_suggestions (model_id, rank, kind, value, score) VALUES (?, ?, ?, ?, ?)
                """)
            for (modelID, list) in suggestions.sorted(by: { $0.key < $1.key }) {
                for (rank, entry) in list.enumerated() {
                    try insertSuggestion.execute(arguments: [modelID, rank + 1, entry.feature.kind.rawValue, entry.feature.value, Double(entry.score)])
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
                """, arguments: [feature.kind.rawValue, feature.value, limit]).map {
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
                """, arguments: [mid]).compactMap { FeatureKey(storedKind: $0[0], value: $0[1]) }
            let suggested = try Row.fetchAll(db, sql: """
                SELECT s.kind, s.value, s.score FROM feature_suggestions s JOIN models m ON m.id = s.model_id
                WHERE m.mid = ? ORDER BY s.rank
                """, arguments: [mid]).compactMap { row in FeatureKey(storedKind: row[0], value: row[1]).map { (feature: $0, score: row[2] as Double) } }
            return (carried, suggested)
        }
    }
}
