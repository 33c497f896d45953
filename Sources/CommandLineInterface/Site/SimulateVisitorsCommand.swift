import ArgumentParser
import Foundation
import VisitorSimulation

struct SimulateVisitorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-visitors",
        abstract: "Demo catalogue only: play simulated visitors against a running site and print what it concludes.",
        discussion: """
            Each simulated page view opens a model's page from the topics file, reads its lists from the JSON API, \
            shuffles the carousels and mixes the leading ones by team-draft multileaving as the page's script does, \
            scrolls down some way and clicks the first card that tempts it: a card on the page's hidden topic with \
            probability --on-topic, another with --off-topic, each later card at --position-decay of the one before. \
            The events go to POST /api/v1/events like the script's; then the site's own report \
            (/api/v1/evaluation/online) is printed, with a check that it counted exactly what was sent. The same \
            --seed gives the same visits. The site adds these counts to its real ones: point it at a demo.
            """)

    @Option(help: "The running site, such as http://127.0.0.1:8080.", transform: ArgumentCheck.webAddress) var url = "http://127.0.0.1:8080"
    @Option(help: "Page views to simulate, 1–10,000,000.", transform: ArgumentCheck.integer(1...10_000_000)) var pageViews = 2000
    @Option(help: "Seed of the visits, 0 or more.", transform: ArgumentCheck.integer(0...Int.max)) var seed = 1
    @Option(help: "The demo generator's model_topics.psv (mid|topic), whose models are the pages visited.",
            transform: ArgumentCheck.nonEmpty)
    var topics = "demo-data/catalog/model_topics.psv"
    @Option(help: "Chance of clicking a first card on the page's topic, above 0 and at most 1.",
            transform: ArgumentCheck.real(0...1))
    var onTopic = 0.06
    @Option(help: "Chance of clicking a first card on another topic, 0–1, below --on-topic.", transform: ArgumentCheck.real(0...1))
    var offTopic = 0.01
    @Option(help: "Share of the click chance each later card keeps (position bias), above 0 and at most 1.",
            transform: ArgumentCheck.real(0...1))
    var positionDecay = 0.85
    @Option(help: "Chance, from 0 to 1, of scrolling on from one carousel to the next.", transform: ArgumentCheck.real(0...1))
    var scrollOn = 0.7
    @Option(help: "Page views in flight at once, 1–64.", transform: ArgumentCheck.integer(1...64)) var concurrency = 8

    func validate() throws {
        guard offTopic < onTopic else { throw ValidationError("--off-topic (\(offTopic)) must be below --on-topic (\(onTopic))") }
        guard positionDecay > 0 else { throw ValidationError("--position-decay must be above 0") }
    }

    func run() async throws {
        let behaviour = VisitorSimulator.Behaviour(onTopic: onTopic, offTopic: offTopic, positionDecay: positionDecay, scrollOn: scrollOn)
        let total = pageViews
        let outcome: VisitorSimulator.Outcome
        do {
            outcome = try await SimulateVisitors.run(
                url: url, topicsFile: URL(fileURLWithPath: topics), pageViews: pageViews, seed: UInt64(seed),
                behaviour: behaviour, concurrency: concurrency,
                progress: { done in
                    if done % 1000 == 0 || done == total { FileHandle.standardError.write(Data("\(done)/\(total) page views\n".utf8)) }
                })
        } catch {
            throw CommandFailure("simulate-visitors: \(error)")
        }
        for line in SimulateVisitors.summary(outcome) { print(line) }
        if !outcome.mismatches.isEmpty { throw CommandFailure("the site's counts differ from what was sent") }
    }
}
