import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders

/// What one algorithm's search works with: the validation splits (cut to the most-liked items where EASE's cost
/// calls for it), the candidates with the defaults first, and the budget, fixed at the first trial when automatic.
struct SearchSetup {
    typealias Fold = (fit: InteractionMatrix, validation: InteractionMatrix, features: [(item: Int, feature: String, weight: Float)])
    var algorithm: Algorithm
    /// The settings trials start from, without learning curves.
    var settings: HarnessSettings
    /// The main validation split first, then the extra ones (tags' and the blend's decisions only).
    var folds: [Fold]
    var points: [[String: Double]]
    var defaultPoint: [String: Double]
    var evaluator: RankingEvaluator
    var start: ContinuousClock.Instant
    var limit: Double?
    var carried: Double
    /// A full fit's cost over the first trial's, for the automatic budget.
    var costScale: Double
    var validationUsers: Int

    var main: Fold { folds[0] }
    var elapsed: Double { (ContinuousClock.now - start).inSeconds }
    func overBudget(tried: Int) -> Bool { tried > 0 && limit.map { elapsed > $0 } ?? false }
}

extension SettingsSelection {
    func search(_ algorithm: Algorithm, settings: HarnessSettings, fit: InteractionMatrix, validation: InteractionMatrix,
                extraFolds: [(fit: InteractionMatrix, validation: InteractionMatrix)] = [],
                sideFeatures: [(item: Int, feature: String, weight: Float)], budgetSeconds: Double?, carried: Double = 0,
                fullLikes: Int, lambdaScale: Double = 1) throws -> SettingsSearchOutcome {
        // On a sample of the users, λ in the sample's units (the caller scales the chosen one back).
        var settings = settings
        if lambdaScale > 1 {
            let scale = Float(lambdaScale)
            settings.easeRegularization /= scale
            settings.easeTagsRegularization = settings.easeTagsRegularization.map { $0 / scale }
            if settings.regularizationExponent == 0 { settings.regularization /= scale }
        }
        let start = ContinuousClock.now
        var folds: [SearchSetup.Fold] = [(fit, validation, sideFeatures)] + extraFolds.map { ($0.fit, $0.validation, sideFeatures) }
        var costScale = Double(fullLikes) / Double(max(1, fit.interactionCount))
        // EASE's cost grows as items³: search on the most-liked items when there are many.
        if algorithm == .ease || algorithm == .easeTags || algorithm == .blend, fit.itemCount > maxSearchItems {
            folds = folds.map { Self.restrict($0.fit, $0.validation, $0.features, to: maxSearchItems) }.map { ($0.0, $0.1, $0.2) }
            costScale *= pow(Double(min(fit.itemCount, settings.easeMaxItems)) / Double(maxSearchItems), 3)
        }
        costScale /= Double(folds.count)
        var quiet = settings
        quiet.learningCurves = false
        let defaultPoint = Self.defaults(algorithm, settings)
        var points = Self.candidates(algorithm, from: settings)
        points.removeAll { $0 == defaultPoint }
        points.insert(defaultPoint, at: 0)
        let validationUsers = folds.reduce(0) { total, fold in
            total + (0..<fold.validation.userCount).filter { fold.validation.userDegree($0) > 0 }.count
        }
        let setup = SearchSetup(algorithm: algorithm, settings: quiet, folds: folds, points: points, defaultPoint: defaultPoint,
                                evaluator: RankingEvaluator(threads: settings.threads, coldThreshold: 0), start: start,
                                limit: budgetSeconds.map { $0 + carried }, carried: carried, costScale: costScale,
                                validationUsers: validationUsers)
        switch algorithm {
        case .wrmf: return searchWRMF(setup)
        case .blend: return try searchBlend(setup)
        default: return try searchGrid(setup)
        }
    }

    /// Every candidate in turn until the budget ends, each on every fold; for a tag-aware algorithm, a weight above 0
    /// only when it is ahead of the same model without tags beyond the validation users' noise.
    func searchGrid(_ setup: SearchSetup) throws -> SettingsSearchOutcome {
        var setup = setup
        var trials: [SettingsSearchOutcome.Trial] = []
        for point in setup.points {
            if setup.overBudget(tried: trials.count) { break }
            let trialStart = ContinuousClock.now
            let trialSettings = Self.applying(point, to: setup.settings, algorithm: setup.algorithm)
            // Every fold: the mean precision, and each fold's users' figures side by side for the paired comparison.
            var precisions: [Double] = [], perUser: [Double] = []
            for fold in setup.folds {
                let report = try EvaluationHarness(settings: trialSettings).run([setup.algorithm], train: fold.fit, test: fold.validation,
                                                                               sideFeatures: fold.features, scoringListsToo: false)[0]
                precisions.append(report.metrics["precision@10"])
                perUser += report.metrics.perUser["precision@10"] ?? []
            }
            let seconds = (ContinuousClock.now - trialStart).inSeconds
            if setup.limit == nil { setup.limit = max(15, seconds * setup.costScale) + setup.carried }
            trials.append(.init(settings: point, precision: precisions.reduce(0, +) / Double(precisions.count), seconds: seconds,
                                rung: 0, perUser: perUser))
        }
        var best = Self.firstBest(trials)
        var note: String?
        if setup.algorithm.withoutTags != nil, let chosen = best, let weight = chosen.settings["side_weight"], weight > 0 {
            var plainPoint = chosen.settings
            plainPoint["side_weight"] = 0
            if let plain = trials.first(where: { $0.settings == plainPoint }) ?? trials.first(where: { $0.settings["side_weight"] == 0 }),
               let paired = notAhead(chosen, of: plain, seed: setup.settings.seed, threads: setup.settings.threads) {
                note = String(format: "tags kept out: weight %@ was %.3f× the tag-free model [%.3f, %.3f] on validation, not ahead beyond noise",
                              SettingsSearchOutcome.format(weight), paired.ratio, paired.interval.lowerBound, paired.interval.upperBound)
                best = plain
            }
        }
        let method = setup.folds.count == 1 ? "grid" : "grid on \(setup.folds.count) validation splits"
        var result = outcome(setup, best: best, defaultPrecision: trials.first?.precision ?? 0, trials: trials, method: method)
        result.keptOut = note
        return result
    }

    /// The paired comparison that keeps the simpler model: `candidate` over `simpler` when that is not ahead beyond
    /// the validation users' noise (the paired bootstrap's lower bound at or below 1); nil when it is, or when the two
    /// were not scored on the same users.
    func notAhead(_ candidate: SettingsSearchOutcome.Trial, of simpler: SettingsSearchOutcome.Trial, seed: UInt64,
                  threads: Int) -> Bootstrap.PairedRatio? {
        guard candidate.perUser.count == simpler.perUser.count, !simpler.perUser.isEmpty else { return nil }
        let paired = Bootstrap(resamples: 1000, seed: seed, threads: threads).pairedRatio(candidate.perUser, simpler.perUser)
        return paired.verdict == .ahead ? nil : paired
    }

    func outcome(_ setup: SearchSetup, best: SettingsSearchOutcome.Trial?, defaultPrecision: Double,
                 trials: [SettingsSearchOutcome.Trial], method: String) -> SettingsSearchOutcome {
        SettingsSearchOutcome(algorithm: setup.algorithm, chosen: best?.settings ?? [:], precision: best?.precision ?? 0,
                              defaultPrecision: defaultPrecision, trials: trials, seconds: setup.elapsed,
                              budgetSeconds: setup.limit ?? 0, validationUsers: setup.validationUsers,
                              items: setup.main.fit.itemCount, method: method, keptDefaults: best == nil)
    }

    /// The best trial, ties to the earlier one (the defaults come first).
    static func firstBest(_ trials: [SettingsSearchOutcome.Trial]) -> SettingsSearchOutcome.Trial? {
        var best: SettingsSearchOutcome.Trial?
        for trial in trials where best == nil || trial.precision > best!.precision { best = trial }
        return best
    }
}
