import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// Settings found by `tune`, in a small JSON file that `train --settings` reads.
public struct TunedSettings: Codable, Sendable, Equatable {
    public var algorithm: Algorithm
    public var factors: Int
    public var learningRate: Float
    public var epochs: Int
    public var itemAlpha: Float
    public var userAlpha: Float
    /// precision@10 on the validation split when found.
    public var validationPrecision: Double

    public static func read(_ url: URL) throws -> TunedSettings {
        let settings: TunedSettings
        do {
            settings = try JSONDecoder().decode(TunedSettings.self, from: Data(contentsOf: url))
        } catch {
            throw HarnessError(description: "\(url.path): not a settings file written by `recasketch tune --write` (\(error))")
        }
        if let problem = settings.problem {
            throw HarnessError(description: "\(url.path): \(problem)")
        }
        return settings
    }

    /// What makes these settings unusable for training, if anything: a hand-edited file must not crash `train`.
    public var problem: String? {
        if !(1...1024).contains(factors) { return "factors must be from 1 to 1024, not \(factors)" }
        if !(1...10_000).contains(epochs) { return "epochs must be from 1 to 10000, not \(epochs)" }
        if !(learningRate.isFinite && learningRate > 0 && learningRate <= 10) { return "learningRate must be above 0 and at most 10, not \(learningRate)" }
        if !(itemAlpha.isFinite && (0...1).contains(itemAlpha)) { return "itemAlpha must be from 0 to 1, not \(itemAlpha)" }
        if !(userAlpha.isFinite && (0...1).contains(userAlpha)) { return "userAlpha must be from 0 to 1, not \(userAlpha)" }
        return nil
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    public func applied(to training: HybridTraining) -> HybridTraining {
        var training = training
        training.factors = factors
        training.learningRate = learningRate
        training.epochs = epochs
        training.itemAlpha = itemAlpha
        training.userAlpha = userAlpha
        return training
    }
}

public struct TrialResult: Sendable {
    public var trial: Int
    public var settings: TunedSettings
    /// False when stopped early for trailing far behind the best trial so far.
    public var completed: Bool
    public var seconds: Double
}

/// Random search over components, learning rate, penalties and epochs for the learning-to-rank models, scored on a
/// validation split carved from the training data (never the test set). A trial that, a third of the way
/// through its epochs, reaches less than half the best validation precision so far is stopped early.
public struct HyperparameterSearch: Sendable {
    public var algorithm: Algorithm
    public var trials: Int
    public var seed: UInt64
    public var threads: Int
    public var factorRange: ClosedRange<Int> = 16...128
    public var learningRateRange: ClosedRange<Double> = 0.005...0.2
    public var epochRange: ClosedRange<Int> = 5...60
    public var alphaRange: ClosedRange<Double> = 1e-8...1e-3

    public init(algorithm: Algorithm, trials: Int, seed: UInt64 = 42, threads: Int = 2) {
        self.algorithm = algorithm
        self.trials = trials
        self.seed = seed
        self.threads = threads
    }

    /// The first two trials are fixed: this project's defaults, then LightFM's library defaults (10 components,
    /// learning rate 0.05, no penalties); the rest are random.
    public func candidates() -> [TunedSettings] {
        var random = SeededGenerator(seed: seed, stream: 99)
        func logUniform(_ range: ClosedRange<Double>) -> Double {
            exp(log(range.lowerBound) + random.unit() * (log(range.upperBound) - log(range.lowerBound)))
        }
        var list = [
            TunedSettings(algorithm: algorithm, factors: 64, learningRate: 0.05, epochs: 30, itemAlpha: 1e-6, userAlpha: 1e-6, validationPrecision: 0),
            TunedSettings(algorithm: algorithm, factors: 10, learningRate: 0.05, epochs: 30, itemAlpha: 0, userAlpha: 0, validationPrecision: 0),
        ]
        while list.count < trials {
            let factors = factorRange.lowerBound + random.below(factorRange.count)
            list.append(TunedSettings(
                algorithm: algorithm, factors: factors, learningRate: Float(logUniform(learningRateRange)),
                epochs: epochRange.lowerBound + random.below(epochRange.count),
                itemAlpha: Float(logUniform(alphaRange)), userAlpha: Float(logUniform(alphaRange)), validationPrecision: 0))
        }
        return Array(list.prefix(max(1, trials)))
    }

    /// Runs the trials on `train` (a training split), holding out a validation split from it.
    public func run(train: HoldoutSplit.Triples, sideFeatures: [(item: String, feature: String, weight: Float)],
                    progress: (TrialResult) -> Void = { _ in }) throws -> (trials: [TrialResult], best: TunedSettings) {
        guard let loss = algorithm.rankingLoss else {
            throw HarnessError(description: "tune works on \(Algorithm.learningToRank.map(\.rawValue).joined(separator: ", ")), not \(algorithm.rawValue)")
        }
        // A training split has already lost likes to the test set, so fewer users may qualify: take all who do.
        let validationSplit = HoldoutSplit.validation(seed: seed)
        let (inner, validation) = try validationSplit.split(train)
        let indexed = EvaluationHarness.index(train: inner, test: validation)
        let itemIndex = Dictionary(uniqueKeysWithValues: indexed.train.itemIDs.enumerated().map { ($1, $0) })
        let assignments = algorithm.usesSideFeatures
            ? sideFeatures.compactMap { row in itemIndex[row.item].map { (item: $0, feature: row.feature, weight: row.weight) } }
            : []
        if algorithm.usesSideFeatures && assignments.isEmpty {
            throw HarnessError(description: "\(algorithm.rawValue) needs item features (--features FILE)")
        }
        let features = ItemFeatures(itemCount: indexed.train.matrix.itemCount, identity: true, assignments: assignments)
        let evaluator = RankingEvaluator(threads: threads, coldThreshold: 0)
        let clock = ContinuousClock()
        var results: [TrialResult] = []
        var best: TunedSettings?
        for (trial, candidate) in candidates().enumerated() {
            let start = clock.now
            var training = candidate.applied(to: HybridTraining(loss: loss,
                                                                 seed: seed, threads: threads))
            training.seed = seed
            let checkpoint = max(1, candidate.epochs / 3)
            var completed = true
            let bestSoFar = best?.validationPrecision ?? 0
            let model = training.fit(indexed.train.matrix, items: features) { epoch, model in
                guard epoch == checkpoint, epoch < candidate.epochs, bestSoFar > 0 else { return true }
                let partial = evaluator.evaluate(HybridScorer(model), train: indexed.train.matrix,
                                                 test: indexed.test.matrix)["precision@10"]
                if partial < 0.5 * bestSoFar { completed = false; return false }
                return true
            }
            var scored = candidate
            scored.validationPrecision = evaluator.evaluate(HybridScorer(model), train: indexed.train.matrix,
                                                            test: indexed.test.matrix)["precision@10"]
            let result = TrialResult(trial: trial + 1, settings: scored, completed: completed,
                                     seconds: (clock.now - start).inSeconds)
            results.append(result)
            progress(result)
            if completed, scored.validationPrecision > (best?.validationPrecision ?? -1) { best = scored }
        }
        return (results, best!)
    }
}

extension HyperparameterSearch {
    /// `recasketch tune`: reads the training data, runs the trials printing one table row each, then the best.
    public func run(source: SplitSource, holdout: HoldoutSplit, featuresFile: URL?,
                    progress: (String) -> Void) throws -> TunedSettings {
        let (train, _) = try source.load(holdout: holdout)
        let features = try featuresFile.map(ItemFeatureSource.load) ?? []
        progress("trial  components  learning rate  epochs  item alpha  user alpha  validation p@10  seconds")
        let outcome = try run(train: train, sideFeatures: features) { result in
            let s = result.settings
            progress(String(format: "%5d  %10d  %13.4f  %6d  %10.2e  %10.2e  %15.4f  %7.1f%@", result.trial, s.factors,
                            s.learningRate, s.epochs, s.itemAlpha, s.userAlpha, s.validationPrecision, result.seconds,
                            result.completed ? "" : "  (stopped early)"))
        }
        let best = outcome.best
        progress(String(format: "best: %d components, learning rate %.4f, %d epochs, item alpha %.2e, user alpha %.2e → validation precision@10 %.4f",
                        best.factors, best.learningRate, best.epochs, best.itemAlpha, best.userAlpha, best.validationPrecision))
        return best
    }
}
