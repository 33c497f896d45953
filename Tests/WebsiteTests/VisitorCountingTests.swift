import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OnlineEvaluation
import ServiceLifecycle
import TestSupport
import Testing
@testable import Website

/// The visitor events through the router, their counts in memory and in a real SQLite file, and the reports.
@Suite(.timeLimit(.minutes(2))) struct VisitorCountingTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let ids = TinyCatalog.ids.map(\.rawValue)
    static let page = ids[0]

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       curated: Array(TinyCatalog.models.prefix(4))))
        let modelIDs = try store.trainingLikes().modelIDs
        // Model i: visual suggests i+1, i+2; wrmf i+2, i+3; itemknn (a baseline) i+1.
        func lists(_ offsets: [Int]) -> [[(item: Int32, score: Float)]] {
            (0..<6).map { index in offsets.map { (item: Int32((index + $0) % 6), score: Float(1) / Float($0)) } }
        }
        for (algorithm, offsets) in [(Algorithm.visual, [1, 2]), (.wrmf, [2, 3]), (.itemKNN, [1])] {
            let run = AlgorithmRun(algorithm: algorithm.rawValue, title: algorithm.title, description: algorithm.description,
                                   displayOrder: algorithm.displayOrder, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
            try store.saveRecommendations(run, modelIDs: modelIDs, neighbours: lists(offsets))
        }
    }

    func withSite(counter: VisitorCounter = VisitorCounter(), days: Int? = nil,
                  _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = ServeConfiguration(databasePath: store.path)
        configuration.onlineDays = days
        let site = try buildSite(configuration, storage: store, renderer: try await PageRenderer(), counter: counter)
        try await Application(router: site.router).test(.router) { client in try await body(client) }
    }

    func post(_ client: some TestClientProtocol, _ body: String, type: String = "application/json") async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/events", method: .post, headers: [.contentType: type], body: ByteBuffer(string: body))
    }

    func report(_ client: some TestClientProtocol, _ query: String = "") async throws -> [String: Any] {
        try await client.execute(uri: "/api/v1/evaluation/online\(query)", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        }
    }

    static let pageView = """
        {"events": [
          {"type": "impression", "page": "\(page)", "carousel": "picked", "models": ["\(ids[1])", "\(ids[2])", "\(ids[3])"], "placed_by": ["visual", "wrmf", "wrmf"]},
          {"type": "impression", "page": "\(page)", "carousel": "wrmf", "models": ["\(ids[2])", "\(ids[3])"]},
          {"type": "click", "page": "\(page)", "carousel": "picked", "model": "\(ids[3])", "position": 2, "credited": "wrmf", "rankers": ["visual", "wrmf"], "first": true}
        ]}
        """

    @Test func eventsAreCountedAndReportedWithoutACookie() async throws {
        try await withSite { client in
            for _ in 0..<3 {
                let response = try await post(client, Self.pageView)
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie] == nil)
            }
            let online = try await report(client)
            let rows = try #require(online["algorithms"] as? [[String: Any]])
            #expect(rows.map { $0["algorithm"] as? String } == ["picked", "wrmf"])
            #expect(rows[0]["impressions"] as? Int == 3 && rows[0]["clicks"] as? Int == 3)
            #expect(rows[1]["impressions"] as? Int == 3 && rows[1]["clicks"] as? Int == 0)
            let interval = try #require(rows[0]["ctr_interval"] as? [Double])
            #expect(interval.count == 2 && interval[0] > 0.2 && interval[1] == 1)
            let pairs = try #require(online["pairs"] as? [[String: Any]])
            #expect(pairs.count == 1)
            #expect(pairs[0]["a"] as? String == "visual" && pairs[0]["b"] as? String == "wrmf")
            #expect(pairs[0]["wins"] as? Int == 0 && pairs[0]["losses"] as? Int == 3 && pairs[0]["ties"] as? Int == 0)
            #expect(pairs[0]["delta"] as? Double == -0.5)
            #expect(pairs[0]["p_value"] as? Double == 0.25)
            #expect(pairs[0]["verdict"] as? String == "not distinguishable")
            let positions = try #require(online["picked_positions"] as? [[String: Any]])
            #expect(positions.map { $0["clicks"] as? Int } == [0, 0, 3])

            // The evaluation page shows the same counts, beside the offline ranking; the about page says what is kept.
            let page = try await client.execute(uri: "/evaluation", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("What visitors click"))
            #expect(page.contains("Picked from all of them"))
            #expect(page.contains("Offline and online, side by side"))
            #expect(page.contains("<td>0</td><td>3</td><td>0</td>"), "wins, losses and ties of the pair")
            #expect(page.contains("not distinguishable"))
            let about = try await client.execute(uri: "/about", method: .get) { String(buffer: $0.body) }
            #expect(about.contains("No cookie is set"))
        }
    }

    /// Events that do not match the page are refused whole, by name, and count nothing.
    @Test func refusedEventsCountNothing() async throws {
        try await withSite { client in
            let wrongPlace = """
                {"events": [{"type": "impression", "page": "\(Self.page)", "carousel": "wrmf", "models": ["\(Self.ids[2])"]},
                 {"type": "click", "page": "\(Self.page)", "carousel": "wrmf", "model": "\(Self.ids[2])", "position": 1}]}
                """
            let refused = try await post(client, wrongPlace, type: "application/json")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: refused.body).contains("events[1].model"))
            let baseline = """
                {"type": "click", "page": "\(Self.page)", "carousel": "picked", "model": "\(Self.ids[1])", "position": 0, "credited": "itemknn", "rankers": ["itemknn", "wrmf"]}
                """
            #expect(try await post(client, baseline).status == .unprocessableContent)
            #expect(try await post(client, Self.pageView, type: "application/x-www-form-urlencoded").status == .unsupportedMediaType)
            #expect(try await post(client, Self.pageView, type: "text/plain").status == .unsupportedMediaType, "the contract's one type")
            let elsewhere = try await post(client, "{\"type\": \"impression\", \"page\": \"zz9\", \"carousel\": \"wrmf\"}")
            #expect(elsewhere.status == .notFound && String(buffer: elsewhere.body).contains("the event.page: zz9"),
                    "an unknown page is a 404 before the event's other fields are judged")
            let huge = "{\"pad\": \"" + String(repeating: "x", count: 400_000) + "\"}"
            #expect(try await post(client, huge).status == .contentTooLarge)
            let get = try await client.execute(uri: "/api/v1/events", method: .get) { $0.status }
            #expect(get == .methodNotAllowed)
            let online = try await report(client)
            #expect((online["algorithms"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/api/v1/evaluation/online?days=0", method: .get) { $0.status } == .badRequest)
            #expect(try await client.execute(uri: "/evaluation?days=x", method: .get) { $0.status } == .badRequest)
        }
    }

    /// Counts reach SQLite as rows of day, carousel, position and numbers; two instances each add their own; a
    /// failed write keeps its counts for the next one, neither lost nor doubled.
    @Test func countsAreWrittenAddedAcrossInstancesAndKeptThroughAFailedWrite() async throws {
        let flaky = FlakyStorage(store: store)
        let first = VisitorCounter(), second = VisitorCounter()
        let event = CountedEvent.click(carousel: .algorithm(.known(.wrmf)), position: 1, decision: nil)
        first.record([event, event])
        second.record([event])
        flaky.countsFailing.withLock { $0 = true }
        #expect(throws: FlakyStorage.Broken.self) { try first.write(to: flaky) }
        #expect(first.tally().tally.cards.values.map(\.clicks) == [2], "still counted in memory")
        flaky.countsFailing.withLock { $0 = false }
        first.record([event])
        try first.write(to: flaky)
        try second.write(to: flaky)
        let rows = try store.visitorCounts().cards
        #expect(rows.count == 1)
        #expect(rows.first?.carousel == "wrmf" && rows.first?.position == 1 && rows.first?.clicks == 4 && rows.first?.impressions == 0)
        #expect(rows.first?.day == VisitorDay(Date()).iso)
        // Each instance reports every instance's counts once it has read them back.
        #expect(first.tally().tally.cards.values.map(\.clicks) == [3])
        try first.readStored(from: flaky)
        #expect(first.tally().tally.cards.values.map(\.clicks) == [4])
        #expect(first.hasPending == false)
    }

    /// SIGTERM's graceful shutdown writes what is pending, however long the interval.
    @Test func gracefulShutdownWritesThePendingCounts() async throws {
        let counter = VisitorCounter()
        let service = VisitorCountsService(counter: counter, storage: store, interval: .seconds(3600), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            counter.record([.impression(carousel: .algorithm(.known(.visual)), cards: 2)])
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let rows = try store.visitorCounts().cards.sorted { $0.position < $1.position }
        #expect(rows.map(\.impressions) == [1, 1])
        #expect(rows.map(\.carousel) == ["visual", "visual"])
    }

    /// A restarted instance reports the stored counts; `--days` sets the default window, `?days=all` widens it.
    @Test func storedCountsAreReportedAfterARestartWithinTheWindow() async throws {
        try store.addVisitorCounts(cards: [
            VisitorCardRow(day: VisitorDay(Date()).iso, carousel: "visual", position: 0, impressions: 5, clicks: 2),
            VisitorCardRow(day: "2020-01-01", carousel: "visual", position: 0, impressions: 7, clicks: 1),
            VisitorCardRow(day: "2020-01-01", carousel: "retired-algorithm", position: 0, impressions: 7, clicks: 1),
        ], pairs: [VisitorPairRow(day: "2020-01-01", first: "visual", second: "wrmf", wins: 4, losses: 1, ties: 2)])
        try await withSite(days: 7) { client in
            let week = try await report(client)
            #expect(week["days"] as? Int == 7)
            #expect((week["algorithms"] as? [[String: Any]])?.first?["impressions"] as? Int == 5)
            #expect((week["pairs"] as? [Any])?.isEmpty == true)
            let all = try await report(client, "?days=all")
            #expect((all["algorithms"] as? [[String: Any]])?.first?["impressions"] as? Int == 12)
            #expect((all["pairs"] as? [[String: Any]])?.first?["wins"] as? Int == 4)
        }
    }
}
