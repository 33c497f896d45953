import Foundation
import GRDB

extension CatalogStore {
    /// A consistent copy of the whole catalogue, taken while servers read and jobs write (SQLite's online backup),
    /// written to a temporary file beside `path` and renamed into place: the file at `path` is always a whole copy.
    public func backup(to path: String) throws {
        let target = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: temporary)
        do {
            let destination = try DatabaseQueue(path: temporary.path)
            try database.backup(to: destination)
            try destination.close()
            guard rename(temporary.path, target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Puts a backup's contents back in place of this catalogue's, in one step that readers never see half done,
    /// and publishes them under a generation newer than any served so far, so running servers load them.
    public func restore(from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw CatalogStoreError.missingDatabase(path: path) }
        let live = try publishedGeneration()
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        try source.backup(to: database)
        try source.close()
        // A backup from before a migration gets it now.
        try CatalogSchema.migrator.migrate(database)
        try database.write { db in
            try db.execute(sql: """
                UPDATE published_generation SET generation = max(generation, ?) + 1,
                    published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = 1
                """, arguments: [live])
        }
    }
}
