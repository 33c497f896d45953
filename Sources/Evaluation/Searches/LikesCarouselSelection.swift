import AlgorithmIdentity
import CatalogStore
import Foundation
import Recommenders

/// Which likes-based algorithm fills "Users who liked this also liked": the one with the best precision@10 on a
/// validation split of the catalogue's likes (5 likes of 20% of the users held out, seeded), each candidate fitted
/// on the rest with the harness's settings and scored the way `evaluate` scores it.
public struct LikesCarouselChoice: Sendable {
    public var winner: Algorithm
    /// Every candidate's validation precision@10, in candidate order.
    public var figures: [(algorithm: Algorithm, precision: Double)]
    public var validationUsers: Int

    /// What the page says under the carousel's title: who won, by how much, against whom.
    public var sentence: String {
        let others = figures.map { String(format: "%@ %.4f", $0.algorithm.rawValue, $0.precision) }.joined(separator: ", ")
        let ranked = figures.sorted { $0.precision > $1.precision }
        var margin = ""
        if ranked.count > 1, ranked[1].precision > 0 {
            margin = String(format: " %@ won by %.2f× the runner-up, %@", winner.rawValue, ranked[0].precision / ranked[1].precision,
                            ranked[1].algorithm.rawValue)
            margin += ";"
        }
        return "Chosen for this carousel on a validation split of the likes:\(margin) precision@10 of each one's lists on \(validationUsers) users' held-out likes: \(others)."
    }
}

public enum LikesCarouselSelection {
    /// The likes-based algorithms that can fill the carousel.
    public static let candidates: [Algorithm] = [.wrmf, .ease, .rp3beta, .itemKNN]

    public static func choose(store: CatalogStore, among: [Algorithm], settings: HarnessSettings,
                              progress: (String) -> Void = { _ in }) throws -> LikesCarouselChoice {
        let candidates = Self.candidates.filter(among.contains)
        guard !candidates.isEmpty else {
            throw HarnessError(description: "no likes-based algorithm to choose from (\(Self.candidates.map(\.rawValue).joined(separator: ", ")))")
        }
        let split = HoldoutSplit(holdout: 5, fraction: 0.2, seed: settings.seed, allowFewerUsers: true)
        let (train, validation) = try SplitSource.catalog(store).load(holdout: split)
        let indexed = EvaluationHarness.index(train: train, test: validation)
        var quiet = settings
        quiet.learningCurves = false
        let reports = try EvaluationHarness(settings: quiet).run(candidates, train: indexed.train.matrix, test: indexed.test.matrix)
        // By the lists the carousel shows, not the whole model.
        let figures = reports.map { (algorithm: $0.algorithm, precision: $0.carouselMetrics["precision@10"]) }
        var winner = figures[0]
        for figure in figures.dropFirst() where figure.precision > winner.precision { winner = figure }
        let choice = LikesCarouselChoice(winner: winner.algorithm, figures: figures,
                                         validationUsers: reports.first?.metrics.testUsers ?? 0)
        progress("likes carousel: \(winner.algorithm.rawValue). \(choice.sentence)")
        return choice
    }
}
