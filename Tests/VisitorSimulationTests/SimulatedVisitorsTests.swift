import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OnlineEvaluation
import ServiceLifecycle
import TestSupport
import Testing
import VisitorSimulation
@testable import Website

/// Two topics of 20 models; three leading carousels: visual and wrmf with the same lists, 8 of 10 cards on the
/// page's topic, and warp-tags with 3 of 10. Visitors who click on-topic cards more should prefer the first two
/// over warp-tags and find no difference between them.
struct TwoTopicCatalog {
    static let size = 40
    static let mids = (0..<size).map { String(format: "%032x", $0 + 1) }
    static let topics = Dictionary(uniqueKeysWithValues: mids.enumerated().map { ($1, $0 < size / 2 ? "cars" : "dragons") })

    /// Models of the same topic and of the other, starting after `index`.
    static func neighbours(of index: Int, sameTopic: Bool) -> [Int] {
        let half = size / 2, base = index < half ? 0 : half, other = index < half ? half : 0
        let start = sameTopic ? base : other
        return (1...half).map { start + (index + $0) % half }.filter { $0 != index }
    }

    /// Ten cards: on-topic where `onTopicAt` says, off-topic elsewhere.
    static func list(of index: Int, onTopicAt places: Set<Int>) -> [(item: Int32, score: Float)] {
        var same = neighbours(of: index, sameTopic: true).makeIterator(), other = neighbours(of: index, sameTopic: false).makeIterator()
        return (0..<10).map { place in (item: Int32(places.contains(place) ? same.next()! : other.next()!), score: Float(1 - Double(place) / 20)) }
    }

    static func store(in folder: TemporaryDirectory) throws -> CatalogStore {
        let store = try folder.store()
        let models = mids.enumerated().map { ModelRecord(name: "Model \($0)", mid: ModelID($1)!) }
        let likes = mids.enumerated().map { LikeRecord(modelName: "Model \($0)", mid: ModelID($1)!, user: "user\($0 % 7)") }
        _ = try store.importCatalog(CatalogImportBatch(models: models, likes: likes, curated: Array(models.prefix(4))))
        let ids = try store.trainingLikes().modelIDs
        let good = (0..<size).map { list(of: $0, onTopicAt: [0, 1, 2, 3, 5, 6, 7, 8]) }
        let poor = (0..<size).map { list(of: $0, onTopicAt: [0, 4, 8]) }
        for (algorithm, lists) in [(Algorithm.visual, good), (.wrmf, good), (.warpTags, poor)] {
            let run = AlgorithmRun(algorithm: algorithm.rawValue, title: algorithm.title, description: algorithm.description,
                                   displayOrder: algorithm.displayOrder, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
            try store.saveRecommendations(run, modelIDs: ids, neighbours: lists)
        }
        try store.publish()
        return store
    }
}

extension SiteConnection {
    /// The simulator wired to the router in process, through the same routes as over HTTP.
    static func router(_ client: some TestClientProtocol) -> SiteConnection {
        SiteConnection(
            get: { path in try await client.execute(uri: path, method: .get) { (Int($0.status.code), Data(buffer: $0.body)) } },
            post: { path, body, type in
                try await client.execute(uri: path, method: .post, headers: [.contentType: type], body: ByteBuffer(bytes: body)) {
                    (Int($0.status.code), Data(buffer: $0.body))
                }
            })
    }
}

@Suite(.timeLimit(.minutes(10))) struct SimulatedVisitorsTests {
    let folder: TemporaryDirectory
    let store: CatalogStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try TwoTopicCatalog.store(in: folder)
    }

    func simulate(seed: UInt64, pageViews: Int, behaviour: VisitorSimulator.Behaviour) async throws -> VisitorSimulator.Outcome {
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: store, renderer: try await PageRenderer(),
                                 counter: VisitorCounter())
        // Tens of thousands of requests: their log lines would drown the test output.
        var quiet = Logger(label: "simulated-visitors")
        quiet.logLevel = .warning
        return try await Application(router: site.router, logger: quiet).test(.router) { client in
            let simulator = VisitorSimulator(connection: .router(client), topics: TwoTopicCatalog.topics, behaviour: behaviour)
            return try await simulator.run(pageViews: pageViews, seed: seed)
        }
    }

    /// (a) the report names the algorithm with more on-topic cards as the winner in at least 95% of seeds; (b) the
    /// two algorithms with identical lists are "not distinguishable" in at least 95% of seeds; (c) in every seed
    /// the site counted exactly what the simulator sent.
    @Test func theReportFindsTheBetterAlgorithmAndNoFalseWinner() async throws {
        let seeds = 60, pageViews = 1200
        let behaviour = VisitorSimulator.Behaviour(onTopic: 0.06, offTopic: 0.01)
        var visualWins = 0, wrmfWins = 0, falseWinners = 0, needed: [Int] = []
        for seed in 1...seeds {
            let outcome = try await simulate(seed: UInt64(seed), pageViews: pageViews, behaviour: behaviour)
            #expect(outcome.mismatches.isEmpty, "seed \(seed): \(outcome.mismatches)")
            #expect(outcome.refused == 0)
            let verdicts = outcome.verdicts
            if verdicts["visual vs warp-tags"] == "visual preferred" { visualWins += 1 }
            if verdicts["warp-tags vs wrmf"] == "wrmf preferred" { wrmfWins += 1 }
            if verdicts["visual vs wrmf"] != "not distinguishable" { falseWinners += 1 }
            let pairs = outcome.report["pairs"] as? [[String: Any]] ?? []
            needed += pairs.compactMap { $0["more_impressions_needed"] as? Int }
        }
        print("simulated visitors, \(seeds) seeds × \(pageViews) page views: visual preferred to warp-tags in \(visualWins), wrmf in \(wrmfWins); a false winner between identical lists in \(falseWinners)")
        #expect(visualWins * 100 >= seeds * 95, "visual named the winner in \(visualWins) of \(seeds) seeds")
        #expect(wrmfWins * 100 >= seeds * 95, "wrmf named the winner in \(wrmfWins) of \(seeds) seeds")
        #expect(falseWinners * 100 <= seeds * 5, "a false winner in \(falseWinners) of \(seeds) seeds")
    }

    /// The same seed sends the same page views: the counts are a function of the seed.
    @Test func theSameSeedSendsTheSameCounts() async throws {
        let behaviour = VisitorSimulator.Behaviour()
        let first = try await simulate(seed: 9, pageViews: 200, behaviour: behaviour)
        let second = try await simulate(seed: 9, pageViews: 200, behaviour: behaviour)
        let third = try await simulate(seed: 10, pageViews: 200, behaviour: behaviour)
        #expect(first.sent == second.sent)
        #expect(first.sent != third.sent)
        #expect(first.events > 200)
    }
}
