import ArgumentParser
import CatalogFiles
import CatalogImport
import CatalogStore
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load the published catalogue files into the database in one transaction: all or nothing.",
        discussion: """
            Files use the published dialect: '|' between fields, a header row, CRLF line ends, and a field holding \
            '|', '\\' or a newline wrapped in backslashes with inner backslashes doubled. Repeated rows are folded; \
            likes and features of models missing from --urls are counted and skipped. A malformed row stops the \
            import with FILE:LINE and leaves the database exactly as it was. The database is created when missing.
            """)

    @Option(help: "model_urls.psv (name|mid).", transform: ArgumentCheck.nonEmpty) var urls: String
    @Option(help: "model_likes_anon.psv (modelname|mid|uid).", transform: ArgumentCheck.nonEmpty) var likes: String?
    @Option(help: "model_feats.psv (mid|type|value).", transform: ArgumentCheck.nonEmpty) var features: String?
    @Option(help: "The picker's curated list (name|mid, no header).", transform: ArgumentCheck.nonEmpty) var names: String?
    @Option(help: "Folder of {mid}.jpg thumbnails that `serve --thumbnails` will serve.", transform: ArgumentCheck.nonEmpty)
    var thumbnails: String?
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let sources = CatalogImportSources(
            urls: URL(fileURLWithPath: urls), likes: likes.map(URL.init(fileURLWithPath:)),
            features: features.map(URL.init(fileURLWithPath:)), names: names.map(URL.init(fileURLWithPath:)),
            thumbnails: thumbnails.map(URL.init(fileURLWithPath:)))
        // Rows are checked as they are written, in one transaction: a bad one rolls it all back, and a database this
        // command created is removed again, so a failed import leaves nothing behind.
        let existed = FileManager.default.fileExists(atPath: database.path)
        let report: CatalogImportReport
        do {
            let store = try CatalogStore(path: database.path)
            report = try CatalogImporter.run(sources, into: store) { print($0) }
        } catch let error as PSVError {
            if !existed {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
            }
            throw CommandFailure("\(error.description); nothing was imported")
        }
        let store = try CatalogStore(path: database.path)
        report.lines.forEach { print($0) }
        print("database: \(try store.counts()) → \(database.path)")
    }
}
