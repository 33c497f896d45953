import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// Settings chosen per catalogue: each algorithm's settings searched on a validation split carved from the
/// training likes only (5 likes of 20% of the users with 10 or more; the test likes are never read), scored the
/// way `evaluate` scores the model (precision@10). WRMF by successive halving (every candidate gets a few
/// iterations, the best third continue from where they stopped, warm, to the next rung); the closed forms and the
/// walks by a small grid, the tag weights searched from the tag-free winner with 0 among them, so a tag-aware
/// algorithm is never behind its tag-free version on validation. Where the catalogue is large, EASE's searches run
/// on the most-liked `maxSearchItems` items (its cost grows as items³) and scoring on a sample of the users.
public struct SettingsSelection: Sendable {
    public var budget: TuneBudget
    public var base: HarnessSettings
    public var maxSearchItems = 4_000
    public var maxValidationUsers = 5_000
    /// Each validation user's ranking scores every item, so past 200,000 items the validation users shrink to keep
    /// users × items at this (1,000 users at a million items); never below 1,000 users.
    public var maxValidationScores = 1_000_000_000
    /// Past this many users a search fits on a sample of them (every validation user and others drawn at random).
    /// The Gram matrix, and WRMF's data term on the item side, shrink with the sample while λ does not, so a λ chosen
    /// on the sample is scaled by (all users / sampled users) before it is used (`lambdaScale`).
    public var maxSearchUsers = 100_000
    /// Algorithms whose settings were given by hand: left as given.
    public var pinned: Set<Algorithm> = []

    public init(budget: TuneBudget, base: HarnessSettings) {
        self.budget = budget
        self.base = base
    }

    /// The algorithms whose settings a search chooses.
    /// In this order: each tag-aware search starts from its tag-free winner, and WRMF's, the one that gains most from
    /// more time, comes last and takes what the others left of a total budget.
    public static let searched: [Algorithm] = [.ease, .easeTags, .rp3beta, .rp3betaTags, .wrmf, .blend]

    /// `base` with each searched algorithm's chosen settings, and the searches.
    public func choose(_ algorithms: [Algorithm], train: InteractionMatrix,
                       sideFeatures: [(item: Int, feature: String, weight: Float)] = [],
                       progress: (String) -> Void = { _ in }) throws -> (settings: HarnessSettings, outcomes: [SettingsSearchOutcome]) {
        // A tag-aware search starts from its tag-free winner, and a blend from its parts': those are searched too.
        let blendParts: [Algorithm] = algorithms.contains(.blend) ? [.ease, .wrmf] + (sideFeatures.isEmpty ? [] : [.easeTags]) : []
        let requested = Set(algorithms + blendParts)
        let wanted = Self.searched.filter { algorithm in
            requested.contains(algorithm) || (algorithm.withoutTags == nil && requested.contains { $0.withoutTags == algorithm })
        }.filter { (!$0.usesSideFeatures || !sideFeatures.isEmpty) && !pinned.contains($0) }
        guard budget != .off, !wanted.isEmpty else { return (base, []) }
        let maxValidationUsers = min(self.maxValidationUsers, max(1_000, maxValidationScores / max(1, train.itemCount)))
        var (fit, validation) = Self.carve(train, seed: base.seed, maxUsers: maxValidationUsers)
        guard validation.interactionCount > 0 else {
            progress("settings: no user has 10 training likes to hold 5 out for validation: fixed defaults kept")
            return (base, [])
        }
        // Two more validation splits of other users, for the decisions a few hundred users cannot make alone:
        // whether tags, or a blend, help. Carved only when such a decision is to be made.
        var extraFolds: [(fit: InteractionMatrix, validation: InteractionMatrix)] = []
        if wanted.contains(where: { $0.withoutTags != nil || $0 == .blend }) {
            var heldOut = Set((0..<validation.userCount).filter { validation.userDegree($0) > 0 })
            for fold in 1...2 {
                let seed = base.seed &+ UInt64(fold) &* 101
                var (foldFit, foldValidation) = Self.carve(train, seed: seed, maxUsers: maxValidationUsers, excluding: heldOut)
                guard foldValidation.interactionCount > 0 else { break }
                heldOut.formUnion((0..<foldValidation.userCount).filter { foldValidation.userDegree($0) > 0 })
                if foldFit.userCount > maxSearchUsers {
                    (foldFit, foldValidation) = Self.sampleUsers(foldFit, foldValidation, count: maxSearchUsers, seed: seed)
                }
                extraFolds.append((foldFit, foldValidation))
            }
        }
        if fit.userCount > maxSearchUsers { (fit, validation) = Self.sampleUsers(fit, validation, count: maxSearchUsers, seed: base.seed) }
        let lambdaScale = Double(train.userCount) / Double(max(1, fit.userCount))
        var settings = base
        var outcomes: [SettingsSearchOutcome] = []
        let share: Double? = if case .seconds(let total) = budget { total / Double(wanted.count) } else { nil }
        // What a search leaves of its budget goes to the next.
        var carried = 0.0
        let validationUsers = (0..<validation.userCount).filter { validation.userDegree($0) > 0 }.count
        for algorithm in wanted {
            progress("settings: searching \(algorithm.rawValue)'s settings on a validation split of \(validationUsers) users, budget \(budget)")
            var outcome = try search(algorithm, settings: settings, fit: fit, validation: validation,
                                     extraFolds: algorithm.withoutTags != nil || algorithm == .blend ? extraFolds : [],
                                     sideFeatures: sideFeatures, budgetSeconds: share, carried: carried,
                                     fullLikes: train.interactionCount, lambdaScale: lambdaScale)
            // Under a total budget what a search leaves goes to the next; automatic budgets are each one's own.
            if case .seconds = budget { carried = max(0, outcome.budgetSeconds - outcome.seconds) }
            if lambdaScale > 1, !outcome.keptDefaults, let lambda = outcome.chosen["regularization"],
               algorithm == .ease || algorithm == .easeTags || (algorithm == .wrmf && outcome.chosen["regularization_exponent"] == 0) {
                outcome.chosen["regularization"] = lambda * lambdaScale
                outcome.keptOut = (outcome.keptOut.map { $0 + "; " } ?? "")
                    + String(format: "λ scaled ×%.2f from the %d sampled users to all %d", lambdaScale, fit.userCount, train.userCount)
            }
            if !outcome.keptDefaults { settings = Self.applying(outcome.chosen, to: settings, algorithm: algorithm) }
            progress("settings: \(algorithm.rawValue) \(outcome.summary)")
            outcomes.append(outcome)
        }
        return (settings, outcomes)
    }
}
