import ArgumentParser
import CatalogStore

/// The `recasketch` command: its subcommands, one per pipeline stage, each parsing its flags and calling one library
/// function. The executable's `@main` and the tests both start here.
public struct RecASketchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "recasketch",
        abstract: "Discover Sketchfab 3D models through several recommendation algorithms side by side.",
        discussion: """
            Pipeline: crawl Sketchfab (or generate a demo catalogue) → import it into SQLite → train the \
            recommenders → serve the explorer. `recasketch demo` runs every stage on a synthetic catalogue and \
            serves it.

            Environment: RECASKETCH_DB (default --db), RECASKETCH_WEIGHTS (folder of CNN weights, default \
            ~/.local/share/recasketch/weights), SKETCHFAB_API_TOKEN (sent by crawl and refresh-thumbnails), \
            RECASKETCH_ANONYMIZE_KEY (crawl's HMAC key), RECASKETCH_HOST, RECASKETCH_PORT, \
            RECASKETCH_RELOAD_CHECK_SECONDS and RECASKETCH_REFRESH_EVERY (serve), LOG_LEVEL (trace … critical). \
            A variable holding a value its flag would refuse is a usage error.

            Exit status: 0 when the work is done; 1 when it failed (one line says what failed, the file, URL or \
            model, and what to do next); 64 for bad arguments, printed with the usage.
            """,
        subcommands: [DemoCommand.self, CrawlCommand.self, RefreshThumbnailsCommand.self, GenerateCommand.self,
                      ImportCommand.self, TrainCommand.self, EvaluateCommand.self, ImportListsCommand.self, RemoveListsCommand.self,
                      ExportSplitCommand.self, TuneCommand.self, SimilarCommand.self,
                      TopicsCommand.self, ServeCommand.self, WeightsCommand.self, ClassifyCommand.self,
                      FeaturesCommand.self, BackupCommand.self, RestoreCommand.self, BenchVisualCommand.self, BenchForYouCommand.self, BenchNeighboursCommand.self,
                      SimulateVisitorsCommand.self])

    public init() {}
}

/// A failure of the work a command does, not of its arguments: ArgumentParser prints `Error: ` and this one line,
/// without the usage, and exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Shared `--db` option, defaulting to $RECASKETCH_DB or ./recasketch.sqlite.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file.", discussion: "Default: $RECASKETCH_DB, else recasketch.sqlite."),
            transform: ArgumentCheck.nonEmpty)
    var db: String?

    var path: String {
        db ?? Environment.value("RECASKETCH_DB") ?? "recasketch.sqlite"
    }

    /// Opens the database a reading command works on. It is never created here: a mistyped path is reported as
    /// missing instead of becoming an empty catalogue.
    func openExisting() throws -> CatalogStore {
        try CatalogStore(existingAt: path)
    }
}
