import ArgumentParser

@main
struct RecASketchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recasketch",
        abstract: "Discover Sketchfab 3D models through side-by-side recommendation algorithms.",
        discussion: """
            Pipeline: crawl Sketchfab (or generate a demo catalogue) → import it into SQLite → train the \
            recommenders → serve the explorer. `recasketch demo` runs every stage on a synthetic catalogue and \
            serves it.

            Environment: RECASKETCH_DB (default --db), RECASKETCH_WEIGHTS (folder of CNN weights, default \
            ~/.local/share/recasketch/weights), SKETCHFAB_API_TOKEN (sent by crawl and refresh-thumbnails), \
            RECASKETCH_ANONYMIZE_KEY (crawl's HMAC key), LOG_LEVEL (trace … critical).
            """,
        subcommands: [DemoCommand.self, CrawlCommand.self, RefreshThumbnailsCommand.self, GenerateCommand.self, ImportCommand.self, TrainCommand.self, EvaluateCommand.self, TuneCommand.self, SimilarCommand.self, TopicsCommand.self, ServeCommand.self, WeightsCommand.self, ClassifyCommand.self, BenchVisualCommand.self, FakeSketchfabCommand.self])
}

/// Shared `--db` option, defaulting to $RECASKETCH_DB or ./recasketch.sqlite.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file.", discussion: "Default: $RECASKETCH_DB, else recasketch.sqlite."))
    var db: String?

    var path: String {
        db ?? Environment.value("RECASKETCH_DB") ?? "recasketch.sqlite"
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        return text.isEmpty ? nil : text
    }
}

import Foundation
