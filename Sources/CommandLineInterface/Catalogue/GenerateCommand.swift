import ArgumentParser
import DemoCatalog
import ElapsedTime
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic catalogue shaped like Sketchfab's, in the files `import` reads.",
        discussion: """
            Writes model_urls.psv, model_likes_anon.psv, model_feats.psv, model_names.psv (the picker's list), \
            model_topics.psv (each model's hidden topic, for evaluation only) and thumbnails/{mid}.jpg (200x200). \
            The same options give the same bytes. Sketchfab scale: --models 28806 --users 62583 (~630k likes).
            """)

    @Option(help: "Output folder.", transform: ArgumentCheck.nonEmpty) var out: String
    @Option(help: "Number of models, 10–1,000,000.", transform: ArgumentCheck.integer(10...1_000_000)) var models = 3000
    @Option(help: "Number of users, 10–10,000,000.", transform: ArgumentCheck.integer(10...10_000_000)) var users = 8000
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Flag(help: "Skip writing thumbnails.") var noThumbnails = false

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let options = DemoCatalogOptions(models: models, users: users, seed: seed, thumbnails: !noThumbnails)
        let summary = try DemoCatalogGenerator(options: options).write(to: URL(fileURLWithPath: out)) { print($0) }
        print("generated \(summary.models) models, \(summary.users) users, \(summary.likes) likes, \(summary.features) features, \(summary.thumbnails) thumbnails in \((clock.now - start).formattedSeconds) → \(out)")
    }
}
