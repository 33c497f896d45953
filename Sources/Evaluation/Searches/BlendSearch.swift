import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders

extension SettingsSelection {
    /// The blend's weight: both parts fitted once per fold with their chosen settings (as many folds as the budget
    /// allows, at least one), every weight scored on them; a weight strictly between 0 and 1 only when it is ahead of
    /// the better part alone beyond the validation users' noise.
    func searchBlend(_ setup: SearchSetup) throws -> SettingsSearchOutcome {
        var setup = setup
        let limit = setup.limit ?? max(15, setup.carried)
        setup.limit = limit
        let easePart: Algorithm = !setup.main.features.isEmpty && setup.settings.easeSideWeight > 0 ? .easeTags : .ease
        var parts: [[Algorithm: ItemScorer]] = []
        for fold in setup.folds where parts.isEmpty || setup.elapsed < limit {
            parts.append(try EvaluationHarness(settings: setup.settings).runKeeping(
                [easePart, .wrmf], train: fold.fit, test: fold.validation, sideFeatures: fold.features, scoringListsToo: false,
                keep: [easePart, .wrmf]).scorers)
        }
        setup.folds = Array(setup.folds.prefix(parts.count))
        setup.validationUsers = setup.folds.reduce(0) { total, fold in
            total + (0..<fold.validation.userCount).filter { fold.validation.userDegree($0) > 0 }.count
        }
        var trials: [SettingsSearchOutcome.Trial] = []
        for point in setup.points {
            let trialStart = ContinuousClock.now
            var precisions: [Double] = [], perUser: [Double] = []
            for (fold, scorers) in zip(setup.folds, parts) {
                let scorer = BlendScorer(scorers[easePart]!, scorers[.wrmf]!, weight: Float(point["ease_weight"]!),
                                         itemCount: fold.fit.itemCount)
                let metrics = setup.evaluator.evaluate(scorer, train: fold.fit, test: fold.validation)
                precisions.append(metrics["precision@10"])
                perUser += metrics.perUser["precision@10"] ?? []
            }
            trials.append(.init(settings: point, precision: precisions.reduce(0, +) / Double(precisions.count),
                                seconds: (ContinuousClock.now - trialStart).inSeconds, rung: 0, perUser: perUser))
        }
        var best = Self.firstBest(trials)
        var note: String?
        if let chosen = best, let weight = chosen.settings["ease_weight"], weight > 0, weight < 1,
           let single = Self.firstBest(trials.filter { $0.settings["ease_weight"] == 0 || $0.settings["ease_weight"] == 1 }),
           let paired = notAhead(chosen, of: single, seed: setup.settings.seed, threads: setup.settings.threads) {
            note = String(format: "blend kept out: weight %@ was %.3f× the better part alone [%.3f, %.3f] on validation, not ahead beyond noise",
                          SettingsSearchOutcome.format(weight), paired.ratio, paired.interval.lowerBound, paired.interval.upperBound)
            best = single
        }
        var result = outcome(setup, best: best, defaultPrecision: trials.first?.precision ?? 0, trials: trials,
                             method: "both parts fitted once on each of \(setup.folds.count) validation splits, every weight scored")
        result.keptOut = note
        return result
    }
}
