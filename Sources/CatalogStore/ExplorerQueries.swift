import Foundation
import GRDB

/// A model as the pages show it.
public struct ModelSummary: Equatable, Sendable {
    public var mid: String
    public var name: String
    public var url: String
    public var thumbnailURL: String?
    public var likeCount: Int

    public init(mid: String, name: String, url: String, thumbnailURL: String?, likeCount: Int) {
        self.mid = mid
        self.name = name
        self.url = url
        self.thumbnailURL = thumbnailURL
        self.likeCount = likeCount
    }
}

public struct AlgorithmInfo: Equatable, Sendable {
    public var algorithm: String
    public var title: String
    public var description: String
    public var displayOrder: Int
    public var parameters: String
    public var trainedAt: String
    public var trainSeconds: Double
}

/// One carousel: an algorithm and its recommendations for a model, best first.
public struct RecommendationList: Equatable, Sendable {
    public var algorithm: String
    public var title: String
    /// The run's JSON parameters, e.g. which image descriptor produced a visual carousel.
    public var parameters: String = "{}"
    public var models: [ModelSummary]
}

extension CatalogStore {
    private static let modelColumns = "m.mid, m.name, m.url, m.thumbnail_url, m.like_count"

    private static func summary(_ row: Row, from start: Int = 0) -> ModelSummary {
        ModelSummary(mid: row[start], name: row[start + 1], url: row[start + 2], thumbnailURL: row[start + 3],
                     likeCount: row[start + 4])
    }

    public func model(mid: String) async throws -> ModelSummary? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.modelColumns) FROM models m WHERE m.mid = ?",
                             arguments: [mid]).map { Self.summary($0) }
        }
    }

    /// The model and all its carousels, from one read transaction (two queries).
    public func modelPage(mid: String) async throws -> (ModelSummary, [RecommendationList])? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT m.id, \(Self.modelColumns) FROM models m WHERE m.mid = ?
                """, arguments: [mid]) else { return nil }
            let model = Self.summary(row, from: 1)
            let id: Int64 = row[0]
            var lists: [RecommendationList] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.algorithm, a.title, a.parameters, \(Self.modelColumns)
                FROM recommendations r
                JOIN algorithm_runs a ON a.algorithm = r.algorithm
                JOIN models m ON m.id = r.recommended_id
                WHERE r.model_id = ?
                ORDER BY a.display_order, a.algorithm, r.rank
                """, arguments: [id])
            while let row = try rows.next() {
                let algorithm: String = row[0]
                if lists.last?.algorithm != algorithm {
                    lists.append(RecommendationList(algorithm: algorithm, title: row[1], parameters: row[2], models: []))
                }
                lists[lists.count - 1].models.append(Self.summary(row, from: 3))
            }
            return (model, lists)
        }
    }

    /// The picker's list: the curated models sorted by name, or the most-liked ones when none were imported.
    public func pickerModels(limit: Int = 100) async throws -> [ModelSummary] {
        try await database.read { db in
            let curated = try Row.fetchAll(db, sql: """
                SELECT \(Self.modelColumns) FROM curated_models c JOIN models m ON m.id = c.model_id
                ORDER BY m.name COLLATE NOCASE, m.mid LIMIT ?
                """, arguments: [limit]).map { Self.summary($0) }
            if !curated.isEmpty { return curated }
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.modelColumns) FROM models m ORDER BY m.like_count DESC, m.mid LIMIT ?
                """, arguments: [limit]).map { Self.summary($0) }
                .sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
        }
    }

    public func algorithms() async throws -> [AlgorithmInfo] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT algorithm, title, description, display_order, parameters, trained_at, train_seconds
                FROM algorithm_runs ORDER BY display_order, algorithm
                """).map {
                AlgorithmInfo(algorithm: $0[0], title: $0[1], description: $0[2], displayOrder: $0[3],
                              parameters: $0[4], trainedAt: $0[5], trainSeconds: $0[6])
            }
        }
    }

    /// A cheap liveness check for `/healthz`: the database answers a query.
    public func ping() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM algorithm_runs") ?? 0 }
    }
}

extension CatalogStore {
    /// Every stored list of one algorithm, as model id → recommended model ids (best first).
    public func recommendationLists(algorithm: String) throws -> [String: [String]] {
        try database.read { db in
            var lists: [String: [String]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT m.mid, r.mid FROM recommendations x
                JOIN models m ON m.id = x.model_id JOIN models r ON r.id = x.recommended_id
                WHERE x.algorithm = ? ORDER BY x.model_id, x.rank
                """, arguments: [algorithm])
            while let row = try rows.next() { lists[row[0], default: []].append(row[1]) }
            return lists
        }
    }

    /// Names of the algorithms with stored recommendations, in display order.
    public func trainedAlgorithms() throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT algorithm FROM algorithm_runs ORDER BY display_order, algorithm")
        }
    }
}

extension CatalogStore {
    /// Every model as the search index needs it, most liked first.
    public func allModels() async throws -> [ModelSummary] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.modelColumns) FROM models m ORDER BY m.like_count DESC, m.mid")
                .map { Self.summary($0) }
        }
    }
}
