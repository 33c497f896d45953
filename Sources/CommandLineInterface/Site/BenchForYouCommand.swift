import ArgumentParser
import Benchmarks
import Foundation

struct BenchForYouCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-for-you",
        abstract: "Measure the \"For you\" carousel: WRMF fold-in of a visitor's likes and top-N over every model.",
        discussion: """
            Loads the WRMF item factors `train` stored in --db, as `serve` does, then folds in --visitors visitors \
            for each number of liked models in --liked (drawn, seeded, among models with factors) and prints p50, \
            p99 and the worst latency of one visitor in milliseconds, on one thread.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Visitors per like count, 1–1,000,000.", transform: ArgumentCheck.integer(1...1_000_000)) var visitors = 2000
    @Option(help: "Comma-separated numbers of liked models per visitor, each 1–500.", transform: ArgumentCheck.integerList(1...500))
    var liked = [1, 5, 20]
    @Option(help: "Suggestions per visitor, 1–100.", transform: ArgumentCheck.integer(1...100)) var suggestions = 12
    @Option(help: "Random seed.") var seed: UInt64 = 42

    func run() throws {
        try ForYouBenchmark(visitors: visitors, likeCounts: liked, suggestions: suggestions, seed: seed)
            .run(store: try database.openExisting()) { print($0) }
    }
}
