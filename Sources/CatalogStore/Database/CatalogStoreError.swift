import Foundation

/// What a command that reads the catalogue reports when it cannot: one line with the database, the model or the
/// tag, and what to do next.
public enum CatalogStoreError: Error, CustomStringConvertible, Equatable {
    case missingDatabase(path: String)
    case notADatabaseFile(path: String)
    case unknownModel(mid: String, path: String)
    case nothingStored(String)
    /// A user's or model's row id too large for an import's packed like pairs.
    case idPastLimit(Int64)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            "no database at \(path): check the path (--db or $RECASKETCH_DB), or create it with `recasketch import` (or `recasketch demo`)"
        case .notADatabaseFile(let path):
            "\(path) is a folder, not a database file: give the path of the .sqlite file"
        case .unknownModel(let mid, let path):
            "model \(mid) is not in \(path)"
        case .nothingStored(let what):
            what
        case .idPastLimit(let id):
            "row id \(id) is past 2³², which an import cannot pack: export the catalogue (`recasketch export-split`) and import it into a new database"
        }
    }
}

extension CatalogStore {
    /// Opens a database that must already exist, for the commands that read one (train, serve, similar,
    /// refresh-thumbnails, topic-agreement). Unlike `init(path:)` it never creates the file or its folder, so a
    /// mistyped path is reported as such instead of becoming an empty catalogue.
    public convenience init(existingAt path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CatalogStoreError.missingDatabase(path: path)
        }
        guard !isDirectory.boolValue else { throw CatalogStoreError.notADatabaseFile(path: path) }
        try self.init(path: path)
    }
}
