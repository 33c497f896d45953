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

/// One stored run of an algorithm, as the site lists it.
public struct AlgorithmInfo: Equatable, Sendable {
    public var algorithm: String
    public var title: String
    public var description: String
    public var displayOrder: Int
    public var parameters: String
    public var trainedAt: String
    public var trainSeconds: Double
}

extension CatalogStore {
    /// One model, for the command line's tag exploration.
    public func model(mid: String) async throws -> ModelSummary? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT mid, name, url, thumbnail_url, like_count FROM models WHERE mid = ?", arguments: [mid])
                .map { ModelSummary(mid: $0[0], name: $0[1], url: $0[2], thumbnailURL: $0[3], likeCount: $0[4]) }
        }
    }

    /// A cheap liveness check for `/healthz`: the database answers a query.
    public func ping() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM algorithm_runs") ?? 0 }
    }

    /// Every model's like count, by mid.
    public func likeCounts() throws -> [String: Int] {
        try database.read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT mid, like_count FROM models")
            while let row = try rows.next() { counts[row[0]] = row[1] }
            return counts
        }
    }

    /// An algorithm's stored lists with their scores, keyed by the models' database ids as text (the item ids
    /// `evaluate --db` splits the catalogue's likes under), best first.
    public func storedNeighbours(algorithm: String) throws -> [String: [(item: String, score: Float)]] {
        try database.read { db in
            var lists: [String: [(item: String, score: Float)]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT model_id, recommended_id, score FROM recommendations WHERE algorithm = ? ORDER BY model_id, rank
                """, arguments: [algorithm])
            while let row = try rows.next() {
                let model: Int64 = row[0], recommended: Int64 = row[1], score: Double = row[2]
                lists[String(model), default: []].append((String(recommended), Float(score)))
            }
            return lists
        }
    }

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
