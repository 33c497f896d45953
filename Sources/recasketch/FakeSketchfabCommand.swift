import ArgumentParser
import FakeSketchfab
import Foundation
import Hummingbird

struct FakeSketchfabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-sketchfab",
        abstract: "Development tool: serve an in-process fake of Sketchfab's API (for crawl benchmarks and trials).",
        discussion: "Point `crawl --api-base http://HOST:PORT --site-base http://HOST:PORT` at it. Faults are injected at the given rates.")

    @Option(help: "Port to listen on.") var port = 8091
    @Option(help: "Models in the fake catalogue.") var models = 2000
    @Option(help: "Share of requests answered with 500.") var serverErrors: Double = 0
    @Option(help: "Share of requests answered with 429 (Retry-After: 0.05).") var rateLimits: Double = 0
    @Option(help: "Share of answers truncated halfway.") var truncated: Double = 0
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func run() async throws {
        let fake = FakeSketchfab(catalogue: .generate(models: models, seed: seed, deletedEvery: 97),
                                 faults: FaultInjection(serverErrors: serverErrors, rateLimits: rateLimits, truncatedBodies: truncated, seed: seed))
        let app = Application(router: fake.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: port)))
        print("fake Sketchfab with \(models) models on http://127.0.0.1:\(port)")
        try await app.runService()
    }
}
