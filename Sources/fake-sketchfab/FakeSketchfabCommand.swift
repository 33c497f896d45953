import ArgumentParser
import FakeSketchfab
import Foundation
import Hummingbird

/// A development tool, built apart from `recasketch` so the product binary carries no test double: serves an
/// in-process fake of Sketchfab's API for crawl benchmarks and trials.
@main
struct FakeSketchfabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-sketchfab",
        abstract: "Development tool: serve an in-process fake of Sketchfab's API (for crawl benchmarks and trials).",
        discussion: "Point `recasketch crawl --api-base http://HOST:PORT --site-base http://HOST:PORT` at it. Faults are injected at the given rates.")

    @Option(help: "Port to listen on, 1–65535.") var port = 8091
    @Option(help: "Models in the fake catalogue, 1–1,000,000.") var models = 2000
    @Option(help: "Share of requests answered with 500, 0–1.") var serverErrors: Double = 0
    @Option(help: "Share of requests answered with 429 (Retry-After: 0.05), 0–1.") var rateLimits: Double = 0
    @Option(help: "Share of answers truncated halfway, 0–1.") var truncated: Double = 0
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Milliseconds added to every answer (a far-away server), 0–60000.") var latencyMs = 0

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
        guard (1...1_000_000).contains(models) else { throw ValidationError("--models must be from 1 to 1,000,000") }
        for (flag, share) in [("--server-errors", serverErrors), ("--rate-limits", rateLimits), ("--truncated", truncated)] {
            guard share.isFinite, (0...1).contains(share) else { throw ValidationError("\(flag) must be a share from 0 to 1") }
        }
        guard (0...60_000).contains(latencyMs) else { throw ValidationError("--latency-ms must be from 0 to 60000") }
    }

    func run() async throws {
        let fake = FakeSketchfab(catalogue: .generate(models: models, seed: seed, deletedEvery: 97),
                                 faults: FaultInjection(serverErrors: serverErrors, rateLimits: rateLimits, truncatedBodies: truncated, seed: seed,
                                                        latency: .milliseconds(max(0, min(60_000, latencyMs)))))
        let app = Application(router: fake.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: port)))
        print("fake Sketchfab with \(models) models on http://127.0.0.1:\(port)")
        try await app.runService()
    }
}
