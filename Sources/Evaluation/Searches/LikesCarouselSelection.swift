import AlgorithmIdentity
import CatalogStore
import Foundation
import Recommenders
import SeededRandom

/// Which likes-based algorithm fills "Users who liked this also liked": the one with the best precision@10 on a
/// validation split of the catalogue's likes (5 likes of 20% of the users held out, seeded), each candidate fitted
/// on the rest with the harness's settings and scored the way `evaluate` scores it.
public struct LikesCarouselChoice: Sendable {
    public var winner: Algorithm
    /// Every candidate's validation precision@10, in candidate order.
    public var figures: [(algorithm: Algorithm, precision: Double)]
    public var validationUsers: Int
    /// Set when the comparison ran on the most-liked models only.
    public var comparedItems: Int? = nil

    /// The winner's lead: its precision@10 over the runner-up's, and who that was (nil with one candidate).
    public var lead: (ratio: Double, runnerUp: Algorithm)? {
        let ranked = figures.sorted { $0.precision > $1.precision }
        guard ranked.count > 1, ranked[1].precision > 0 else { return nil }
        return (ranked[0].precision / ranked[1].precision, ranked[1].algorithm)
    }

    /// The heading's label: which won, among how many, by how much.
    public var label: String {
        "the best of \(figures.count) on a validation split of the likes"
            + (lead.map { String(format: ", %.2f× %@", $0.ratio, $0.runnerUp.rawValue) } ?? "")
    }

    /// What the page says under the carousel's title: who won, by how much, against whom.
    public var sentence: String {
        let others = figures.map { String(format: "%@ %.4f", $0.algorithm.rawValue, $0.precision) }.joined(separator: ", ")
        let margin = lead.map { String(format: " %@ won by %.2f× the runner-up, %@;", winner.rawValue, $0.ratio, $0.runnerUp.rawValue) } ?? ""
        let among = comparedItems.map { " among the \($0) most-liked models" } ?? ""
        return "Chosen for this carousel on a validation split of the likes:\(margin) precision@10 of each one's lists on \(validationUsers) users' held-out likes\(among): \(others)."
    }
}

/// A leading carousel whose algorithm is chosen by evidence: its title belongs to `titleHolder`'s place on the page.
public enum CarouselSlot: Sendable, CaseIterable {
    /// "Users who liked this also liked".
    case likes
    /// "Likes + tags".
    case likesAndTags

    /// The algorithms that can fill it.
    public var candidates: [Algorithm] {
        switch self {
        case .likes: [.wrmf, .ease, .rp3beta, .itemKNN]
        case .likesAndTags: Algorithm.tagAware
        }
    }

    /// The algorithm whose title and place the slot has, and the one it falls back to.
    public var titleHolder: Algorithm {
        switch self {
        case .likes: .wrmf
        case .likesAndTags: .warpTags
        }
    }

    var name: String {
        switch self {
        case .likes: "likes carousel"
        case .likesAndTags: "likes + tags carousel"
        }
    }
}

public enum LikesCarouselSelection {
    /// The likes-based algorithms that can fill "Users who liked this also liked".
    public static let candidates: [Algorithm] = CarouselSlot.likes.candidates

    /// The best of `slot`'s candidates among `among` by precision@10 of their lists on a validation split of the
    /// catalogue's likes (the tag-aware ones with the catalogue's tags and categories).
    /// Past this many models the candidates are compared on the most-liked ones only (EASE's cost grows as items³;
    /// every candidate sees the same models, so the comparison stays fair).
    public static let maxComparedItems = 4_000
    /// Past this many validation users the comparison scores a seeded sample of them: at a million models a fifth of
    /// the users kept every candidate ranking for many minutes. The cap is above the 12,262 users of the 28,806-model
    /// catalogue, whose choice it leaves as it was.
    public static let maxValidationUsers = 20_000

    /// `held` with only a seeded sample of `count` of its users' likes (all of them when there are fewer).
    static func sampledUsers(_ held: InteractionMatrix, count: Int, seed: UInt64) -> InteractionMatrix {
        var users = (0..<held.userCount).filter { held.userDegree($0) > 0 }
        guard users.count > count else { return held }
        var random = SeededGenerator(seed: seed &+ 29, stream: 31)
        for index in stride(from: users.count - 1, to: 0, by: -1) { users.swapAt(index, random.below(index + 1)) }
        var pairs: [(user: Int32, item: Int32)] = []
        for user in users.prefix(count).sorted() {
            for item in held.items(ofUser: user) { pairs.append((Int32(user), item)) }
        }
        return InteractionMatrix(userCount: held.userCount, itemCount: held.itemCount, pairs: pairs)
    }

    public static func choose(store: CatalogStore, slot: CarouselSlot = .likes, among: [Algorithm], settings: HarnessSettings,
                              progress: (String) -> Void = { _ in }) throws -> LikesCarouselChoice {
        let candidates = slot.candidates.filter(among.contains)
        guard !candidates.isEmpty else {
            throw HarnessError(description: "no algorithm to choose from for the \(slot.name) (\(slot.candidates.map(\.rawValue).joined(separator: ", ")))")
        }
        let split = HoldoutSplit(holdout: 5, fraction: 0.2, seed: settings.seed, allowFewerUsers: true)
        let (train, validation) = try SplitSource.catalog(store).load(holdout: split)
        let indexed = EvaluationHarness.index(train: train, test: validation)
        var sideFeatures: [(item: Int, feature: String, weight: Float)] = []
        if candidates.contains(where: \.usesSideFeatures) {
            let itemIndex = Dictionary(uniqueKeysWithValues: indexed.train.itemIDs.enumerated().map { ($1, $0) })
            sideFeatures = try ItemFeatureSource.load(store).compactMap { row in itemIndex[row.item].map { ($0, row.feature, row.weight) } }
        }
        var quiet = settings
        quiet.learningCurves = false
        let usable = sideFeatures.isEmpty ? candidates.filter { !$0.usesSideFeatures } : candidates
        guard !usable.isEmpty else {
            throw HarnessError(description: "the catalogue has no tags or categories for the \(slot.name)")
        }
        var (compared, held) = (indexed.train.matrix, indexed.test.matrix)
        if compared.itemCount > maxComparedItems {
            (compared, held, sideFeatures) = SettingsSelection.restrict(compared, held, sideFeatures, to: maxComparedItems)
        }
        held = Self.sampledUsers(held, count: maxValidationUsers, seed: settings.seed)
        let reports = try EvaluationHarness(settings: quiet).run(usable, train: compared, test: held, sideFeatures: sideFeatures)
        // By the lists the carousel shows, not the whole model.
        var figures: [(algorithm: Algorithm, precision: Double)] = []
        for report in reports {
            guard case .known(let algorithm) = report.recommender else { continue }
            figures.append((algorithm, report.carouselMetrics["precision@10"]))
        }
        var winner = figures[0]
        for figure in figures.dropFirst() where figure.precision > winner.precision { winner = figure }
        var choice = LikesCarouselChoice(winner: winner.algorithm, figures: figures,
                                         validationUsers: reports.first?.metrics.testUsers ?? 0)
        if compared.itemCount < indexed.train.matrix.itemCount { choice.comparedItems = compared.itemCount }
        progress("\(slot.name): \(winner.algorithm.rawValue). \(choice.sentence)")
        return choice
    }
}
