import Foundation
import GRDB

/// How a catalogue's own ids read outside it: `evaluate --db` names items by database id and users by their index
/// among the users with likes (`trainingLikes`' order); a file for another tool names them by model uid and the
/// catalogue's anonymous user id.
public struct CatalogNames: Sendable {
    /// Model uid by database id.
    public var modelUIDs: [Int64: String]
    /// Anonymous user id by index among the users with likes.
    public var userUIDs: [String]

    /// The uid of an item or user as `SplitSource.catalog` names them; nil for a name it never gives.
    public func model(_ databaseID: String) -> String? { Int64(databaseID).flatMap { modelUIDs[$0] } }
    public func user(_ index: String) -> String? { Int(index).flatMap { userUIDs.indices.contains($0) ? userUIDs[$0] : nil } }

    /// The inverse maps, for reading a file written with uids back onto the catalogue's names.
    public var databaseIDsByModelUID: [String: String] {
        Dictionary(modelUIDs.map { ($1, String($0)) }, uniquingKeysWith: { first, _ in first })
    }
    public var indicesByUserUID: [String: String] {
        Dictionary(userUIDs.enumerated().map { ($1, String($0)) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One model as `export-split` writes it to items.csv.
public struct ExportedModel: Sendable {
    public var mid: String
    public var name: String
    public var url: String
    public var thumbnailURL: String?
}

extension CatalogStore {
    public func catalogNames() throws -> CatalogNames {
        let users = try database.read { db in
            try String.fetchAll(db, sql: "SELECT uid FROM users WHERE id IN (SELECT DISTINCT user_id FROM likes) ORDER BY id")
        }
        return CatalogNames(modelUIDs: try modelIdentifiers(), userUIDs: users)
    }

    public func exportedModels() throws -> [ExportedModel] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT mid, name, url, thumbnail_url FROM models ORDER BY id").map {
                ExportedModel(mid: $0[0], name: $0[1], url: $0[2], thumbnailURL: $0[3])
            }
        }
    }
}
