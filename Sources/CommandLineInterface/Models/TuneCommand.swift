import AlgorithmIdentity
import ArgumentParser
import Evaluation
import CatalogStore
import Foundation

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search an algorithm's settings on a validation split carved from the training likes.",
        discussion: """
            wrmf, ease, rp3beta and itemknn: a grid. WRMF's is 6 factor counts (8–128) × 6 λ (0.0003–0.1, on the \
            iALS-revisited scale) × 5 α (2–150), 180 settings; each setting after the first of its factors and α starts \
            from its neighbour's factors (the next smaller λ, when it did well) with a third of the iterations (--no-shortcuts: every one \
            from scratch), and one below half the best validation precision a third of the way through is stopped. \
            EASE: 6 λ (10–3000); RP3beta: 4 α × 6 β; item-kNN: 6 neighbour counts. The grid stops at --time-budget. \
            --db stores the grid in that catalogue, where /evaluation draws it as a heat map; --write saves the best \
            for `train --settings` (WRMF's factors, λ and α).

            warp, warp-tags, bpr, bpr-tags: random search. The validation split is carved from the training data (5 likes of 20% of its users, or of all with 10+ \
            likes when fewer qualify); the test split is \
            never read. Trial 1 is this project's defaults, trial 2 LightFM's library defaults (10 components, \
            learning rate 0.05, no penalties), the rest random over components 16–128, learning rate 0.005–0.2 \
            (log), epochs 5–60 and penalties 1e-8–1e-3 (log). A trial below half the best validation precision a \
            third of the way through is stopped early. --write saves the best for `train --settings`.
            """)

    @OptionGroup var input: SplitInputOptions
    @Option(help: "The algorithm whose settings to search: \(Self.searchable.map(\.rawValue).joined(separator: ", ")).",
            transform: { text in
                guard let algorithm = Algorithm(rawValue: text), TuneCommand.searchable.contains(algorithm) else {
                    throw ArgumentProblem(description: "expected one of \(TuneCommand.searchable.map(\.rawValue).joined(separator: ", "))")
                }
                return algorithm
            })
    var algorithm: Algorithm = .warpTags
    @Option(help: "Grid search: stop starting new settings after this long, such as 15m or 900s (at least 1s).",
            transform: ArgumentCheck.duration(minimum: .seconds(1)))
    var timeBudget: Duration = .seconds(900)
    @Flag(help: "Grid search: fit each WRMF setting from scratch to its last iteration (no warm start, no early stop).")
    var noShortcuts = false
    @Option(help: "Grid search: WRMF iterations per setting from scratch, 1–1000.", transform: ArgumentCheck.integer(1...1000))
    var iterations = 15
    @Option(help: "Grid search: store the grid in this catalogue database for the heat map on /evaluation.", transform: ArgumentCheck.nonEmpty)
    var db: String?
    @OptionGroup(title: "Settings not searched (WRMF as iALS revisited, EASE, RP3beta)") var likesModels: LikesModelOptions

    static let searchable: [Algorithm] = [.wrmf, .ease, .rp3beta, .itemKNN] + Algorithm.learningToRank
    @Option(help: "Number of trials, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var trials = 20
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = 2
    @Option(help: "Write the best settings (JSON) for `recasketch train --settings`.", transform: ArgumentCheck.nonEmpty) var write: String?

    func validate() throws {
        try input.validate(needsTest: false)
        try likesModels.validate(regularization: nil)
    }

    func run() throws {
        if let grid = SettingsGrid.standard(for: algorithm) {
            var settings = HarnessSettings()
            settings.threads = threads
            settings.seed = input.seed
            settings.iterations = iterations
            likesModels.apply(to: &settings)
            let store = try db.map { try CatalogStore(existingAt: $0) }
            let search = GridSearch(algorithm: algorithm, grid: grid, settings: settings, budget: timeBudget, shortcuts: !noShortcuts)
            let outcome = try search.run(source: input.source, holdout: input.holdoutSplit, record: store) { print($0) }
            if let write {
                try outcome.settingsFile.write(to: URL(fileURLWithPath: write))
                print("written to \(write)")
            }
            return
        }
        let search = HyperparameterSearch(algorithm: algorithm, trials: trials, seed: input.seed, threads: threads)
        let best = try search.run(source: input.source, holdout: input.holdoutSplit, featuresFile: input.featuresURL) { print($0) }
        if let write {
            try best.write(to: URL(fileURLWithPath: write))
            print("written to \(write)")
        }
    }
}
