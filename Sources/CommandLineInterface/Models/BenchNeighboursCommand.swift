import ArgumentParser
import Benchmarks
import CatalogStore
import Foundation

struct BenchNeighboursCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-neighbours",
        abstract: "Measure the all-items top-N: the approximate neighbour graph's time and recall against exact lists.",
        discussion: """
            With --db, on the WRMF item factors `train` stored; without it, on --items seeded vectors of \
            --dimensions drawn around items/30 cluster centres. Prints the approximate search's rounds, time and \
            recall@--neighbours against exact lists on 1,000 sampled items, then the exact search's time (measured \
            up to --exact-up-to items, extrapolated from 1,000 queries above).
            """)

    @Option(help: "SQLite database with trained WRMF factors (else synthetic vectors).", transform: ArgumentCheck.nonEmpty)
    var db: String?
    @Option(help: "Synthetic items, 100–20,000,000.", transform: ArgumentCheck.integer(100...20_000_000)) var items = 100_000
    @Option(help: "Synthetic dimensions, 2–4,096.", transform: ArgumentCheck.integer(2...4096)) var dimensions = 64
    @Option(help: "Neighbours per item, 1–100.", transform: ArgumentCheck.integer(1...100)) var neighbours = 12
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = 2
    @Option(name: .customLong("exact-up-to"), help: "Largest catalogue timed exactly in full, 0–20,000,000.",
            transform: ArgumentCheck.integer(0...20_000_000)) var exactUpTo = 100_000
    @Option(help: "Neighbours kept per item while the graph is built (and candidates sampled per round), 2–256; default: the one train uses.",
            transform: ArgumentCheck.integer(2...256)) var degree: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 42

    func run() throws {
        let benchmark = NeighbourBenchmark(items: items, dimensions: dimensions, neighbours: neighbours, threads: threads,
                                           seed: seed, exactUpTo: exactUpTo, degree: degree)
        if let db {
            try benchmark.run(store: try CatalogStore(existingAt: db)) { print($0) }
        } else {
            benchmark.run(vectors: benchmark.clusteredVectors()) { print($0) }
        }
    }
}
