import AlgorithmIdentity
import Foundation
import OnlineEvaluation
import SeededRandom
import Testing

/// A page with three leading carousels and a baseline, for checking events.
struct ThreeCarousels: PageLists {
    static let page = "p0"
    static let lists: [Recommender: [String]] = [
        .visual: ["a1", "a2", "a3"], .wrmf: ["b1", "a1", "b3"], .warpTags: ["c1", "c2"], .popularity: ["z1", "z2"],
        .imported(ImportedName(rawValue: "implicit-als")!): ["d1", "a2"],
    ]

    func list(on page: String, by algorithm: Recommender) -> [String]? { page == Self.page ? Self.lists[algorithm] : nil }
    func entry(for model: String) -> String? { model }
    func leads(_ algorithm: Recommender) -> Bool { !(algorithm.builtIn?.isBaseline ?? false) }
}

/// The built-ins these tests name, as carousels.
extension Recommender {
    static let visual = Recommender.known(.visual)
    static let wrmf = Recommender.known(.wrmf)
    static let warpTags = Recommender.known(.warpTags)
    static let popularity = Recommender.known(.popularity)
}

@Suite struct VisitorEventTests {
    func parse(_ text: String) throws(VisitorEventError) -> [CountedEvent] {
        try VisitorEvent.parse(Data(text.utf8)).map { event throws(VisitorEventError) in try event.checked(against: ThreeCarousels()) }
    }

    func refusal(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.description }
    }

    @Test func eventsOnThePageListsAreCounted() throws {
        let counted = try parse("""
            {"events": [
              {"type": "impression", "page": "p0", "carousel": "visual", "models": ["a1", "a2", "a3"]},
              {"type": "impression", "page": "p0", "carousel": "picked", "models": ["b1", "a1", "c1"], "placed_by": ["wrmf", "visual", "warp-tags"]},
              {"type": "click", "page": "p0", "carousel": "wrmf", "model": "b3", "position": 2},
              {"type": "click", "page": "p0", "carousel": "picked", "model": "a1", "position": 1, "credited": "visual", "rankers": ["visual", "wrmf", "warp-tags"], "first": true},
              {"type": "impression", "page": "p0", "carousel": "popularity", "models": ["z1"]}
            ]}
            """)
        #expect(counted == [
            .impression(carousel: .algorithm(.visual), cards: 3),
            .impression(carousel: .picked, cards: 3),
            .click(carousel: .algorithm(.wrmf), position: 2, decision: nil),
            .click(carousel: .picked, position: 1, decision: .init(credited: .visual, rankers: [.visual, .wrmf, .warpTags])),
            .impression(carousel: .algorithm(.popularity), cards: 1),
        ])
    }

    /// A click or impression naming a model or algorithm not on that page's lists, where it says, is refused, with
    /// the event and field named; so are malformed bodies.
    @Test func eventsThatDoNotMatchThePageAreRefusedByName() {
        let cases: [(String, String)] = [
            (#"{"type": "click", "page": "p0", "carousel": "wrmf", "model": "a2", "position": 1}"#, "not at position 1 of the wrmf list"),
            (#"{"type": "click", "page": "p0", "carousel": "wrmf", "model": "zz", "position": 0}"#, "not at position 0"),
            (#"{"type": "click", "page": "p9", "carousel": "wrmf", "model": "b1", "position": 0}"#, "shows no wrmf carousel"),
            (#"{"type": "click", "page": "p0", "carousel": "itemknn", "model": "b1", "position": 0}"#, "shows no itemknn carousel"),
            (#"{"type": "click", "page": "p0", "carousel": "picked", "model": "a2", "position": 0, "credited": "wrmf", "rankers": ["visual", "wrmf"], "first": true}"#, "not on wrmf's list"),
            (#"{"type": "click", "page": "p0", "carousel": "picked", "model": "z1", "position": 0, "credited": "popularity", "rankers": ["popularity", "wrmf"]}"#, "is a baseline"),
            (#"{"type": "click", "page": "p0", "carousel": "picked", "model": "a1", "position": 0, "credited": "visual", "rankers": ["wrmf", "warp-tags"]}"#, "not among its rankers"),
            (#"{"type": "impression", "page": "p0", "carousel": "visual", "models": ["a2", "a1"]}"#, "not the visual list"),
            (#"{"type": "impression", "page": "p0", "carousel": "picked", "models": ["a1", "c2"], "placed_by": ["visual", "wrmf"]}"#, "models[1] (c2) is not on wrmf's list"),
            (#"{"type": "impression", "page": "p0", "carousel": "picked", "models": ["a1"]}"#, "placed_by is missing"),
            (#"{"type": "click", "page": "p0", "carousel": "wrmf", "model": "b1"}"#, "position is missing"),
            (#"{"type": "click", "page": "p0", "carousel": "wrmf", "model": "b1", "position": "1"}"#, "position has the wrong type"),
            (#"{"type": "click", "page": "p0", "carousel": "wrmf", "model": "b1", "position": 99}"#, "position must be from 0 to 47"),
            (#"{"type": "scroll", "page": "p0", "carousel": "wrmf"}"#, "type must be impression or click"),
            (#"{"type": "click", "page": "p0", "carousel": "Best!", "model": "b1", "position": 0}"#, "is not a carousel"),
            (#"{"type": "click", "page": "p0", "carousel": "best", "model": "b1", "position": 0}"#, "the page of p0 shows no best carousel"),
            (#"{"type": "click", "page": "../etc", "carousel": "wrmf", "model": "b1", "position": 0}"#, "page is not a model id"),
            (#"{"events": []}"#, "from 1 to 32 events"),
            (#"[1, 2]"#, "must be a JSON object"),
            ("not json", "not JSON"),
            (#"{"events": [{"type": "click", "page": "p0", "carousel": "wrmf", "model": "b1", "position": 0}, {"type": "click", "page": "p0"}]}"#, "events[1].carousel is missing"),
        ]
        for (body, expected) in cases {
            let problem = refusal(body)
            #expect(problem?.contains(expected) == true, "\(body) → \(problem ?? "counted")")
        }
    }

    /// The first click in the mixed carousel decides the page view: a win for the algorithm that placed the card
    /// against each other one mixed, a tie for the pairs without it; later clicks only count as clicks.
    @Test func aDecidingClickIsAWinLossOrTieForEveryPair() throws {
        var tally = VisitorTally()
        let day = VisitorDay(number: 20_000)
        tally.record(.click(carousel: .picked, position: 0, decision: .init(credited: .wrmf, rankers: [.visual, .wrmf, .warpTags])), on: day)
        tally.record(.click(carousel: .picked, position: 3, decision: nil), on: day)
        let report = OnlineReport(tally, days: nil, today: day)
        let pairs = Dictionary(uniqueKeysWithValues: report.pairs.map { ("\($0.first.name)-\($0.second.name)", [$0.wins, $0.losses, $0.ties]) })
        #expect(pairs["visual-wrmf"] == [0, 1, 0])
        #expect(pairs["warp-tags-wrmf"] == [0, 1, 0])
        #expect(pairs["visual-warp-tags"] == [0, 0, 1])
        #expect(pairs.count == 3)
        #expect(report.carousels.first { $0.carousel == .picked }?.clicks == 2)
    }

    @Test func reportWindowsCountOnlyTheirDays() {
        var tally = VisitorTally()
        let today = VisitorDay(number: 20_010)
        tally.record(.impression(carousel: .algorithm(.visual), cards: 2), on: today)
        tally.record(.impression(carousel: .algorithm(.visual), cards: 2), on: today.adding(days: -3))
        tally.record(.click(carousel: .algorithm(.visual), position: 1, decision: nil), on: today.adding(days: -10))
        #expect(OnlineReport(tally, days: 1, today: today).carousels.first?.impressions == 1)
        #expect(OnlineReport(tally, days: 7, today: today).carousels.first?.impressions == 2)
        let all = OnlineReport(tally, days: nil, today: today)
        #expect(all.carousels.first?.impressions == 2 && all.carousels.first?.clicks == 1)
        #expect(all.positions.map(\.impressions) == [2, 2])
        #expect(OnlineReport(tally, days: 7, today: today).firstDay == today.adding(days: -6))
    }

    /// Every ranker places a card in every round, in a fresh order; no card twice; lists that run out leave the
    /// rest to the others.
    @Test func teamDraftGivesEveryRankerATurnEachRound() {
        var random = SeededGenerator(seed: 3)
        let lists: [(team: Recommender, models: [String])] = [(.visual, ["a", "b", "c", "d"]), (.wrmf, ["a", "e", "f"]), (.warpTags, ["g"])]
        var firstPlace: [Recommender: Int] = [:]
        for _ in 0..<300 {
            let merged = TeamDraftMultileaving.merge(lists, length: 8, using: &random)
            #expect(Set(merged.map(\.model)).count == merged.count)
            #expect(merged.count == 7)  // every distinct model
            #expect(Set(merged.prefix(3).map(\.team)).count == 3)
            firstPlace[merged[0].team, default: 0] += 1
            for card in merged { #expect(lists.first { $0.team == card.team }!.models.contains(card.model)) }
        }
        #expect(firstPlace.values.allSatisfy { $0 > 70 }, "each ranker leads about a third of the time: \(firstPlace)")
    }
}
