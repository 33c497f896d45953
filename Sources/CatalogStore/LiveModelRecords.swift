import Foundation
import GRDB

/// A model read live from Sketchfab, as stored: its id, when it was read, and the server's JSON record of it.
public struct LiveModelRow: Sendable, Equatable {
    public var mid: String
    public var fetchedAt: Date
    public var record: String

    public init(mid: String, fetchedAt: Date, record: String) {
        self.mid = mid
        self.fetchedAt = fetchedAt
        self.record = record
    }
}

extension CatalogStore {
    /// Replaces the stored record of a live model.
    public func saveLiveModel(_ row: LiveModelRow) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO live_models (mid, fetched_at, record) VALUES (?, ?, ?)",
                           arguments: [row.mid, row.fetchedAt.timeIntervalSince1970, row.record])
        }
    }

    public func liveModel(_ mid: String) throws -> LiveModelRow? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT mid, fetched_at, record FROM live_models WHERE mid = ?", arguments: [mid]).map {
                LiveModelRow(mid: $0[0], fetchedAt: Date(timeIntervalSince1970: $0[1]), record: $0[2])
            }
        }
    }

    /// How many live models are stored.
    public func liveModelCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM live_models") ?? 0 }
    }
}

extension CatalogStore {
    /// The models each of these users liked (by the user ids the catalogue stores), as model ids; users the
    /// catalogue does not know are left out.
    public func likedModels(ofUsers users: [String]) throws -> [String: [String]] {
        try database.read { db in
            let statement = try db.makeStatement(sql: """
                SELECT models.mid FROM likes JOIN users ON users.id = likes.user_id JOIN models ON models.id = likes.model_id
                WHERE users.uid = ?
                """)
            var liked: [String: [String]] = [:]
            for user in Set(users) {
                let mids = try String.fetchAll(statement, arguments: [user])
                if !mids.isEmpty { liked[user] = mids }
            }
            return liked
        }
    }
}
