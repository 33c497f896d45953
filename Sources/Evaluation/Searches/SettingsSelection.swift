import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// How long choosing settings per catalogue may take.
public enum TuneBudget: Sendable, Equatable, CustomStringConvertible {
    /// Each algorithm's search may take as long as one full fit of it is estimated to take (at least 15 s), so tuning
    /// at most doubles training time.
    case automatic
    /// This many seconds in all, shared equally by the algorithms searched.
    case seconds(Double)
    /// Fixed settings.
    case off

    public var description: String {
        switch self {
        case .automatic: "auto (each search up to one full fit's estimated time, at least 15 s)"
        case .seconds(let seconds): String(format: "%.0f s", seconds)
        case .off: "0 (fixed settings)"
        }
    }
}

/// One algorithm's search: what it tried, what it chose, how long it took.
public struct SettingsSearchOutcome: Sendable {
    public struct Trial: Sendable {
        public var settings: [String: Double]
        public var precision: Double
        public var seconds: Double
        /// The successive-halving rung it reached (WRMF), 0 elsewhere.
        public var rung: Int
        /// Each validation user's precision@10, for the paired comparison that keeps tags out unless they help.
        var perUser: [Double] = []
    }
    public var algorithm: Algorithm
    public var chosen: [String: Double]
    /// Validation precision@10 of the chosen settings and of the fixed defaults.
    public var precision: Double
    public var defaultPrecision: Double
    public var trials: [Trial]
    public var seconds: Double
    public var budgetSeconds: Double
    public var validationUsers: Int
    /// The items the search ran on (the most-liked ones when the catalogue is large).
    public var items: Int
    public var method: String
    /// When the best tag weight (or blend weight) was not ahead of the model without tags (or of the better part
    /// alone) beyond noise: that comparison, and the simpler model was kept.
    public var keptOut: String?
    /// Set when the budget ran out before the defaults were even scored: the defaults are kept.
    public var keptDefaults: Bool

    /// A line for the run's parameters and the evaluation page.
    public var summary: String {
        let chosenText = chosen.keys.sorted().map { "\($0) \(Self.format(chosen[$0]!))" }.joined(separator: ", ")
        if keptDefaults || trials.count <= 1 {
            return String(format: "the budget (%.1f s) was too small to search beyond the defaults: fixed defaults kept (precision@10 %.4f on a validation split of %d users)",
                          budgetSeconds, defaultPrecision, validationUsers)
        }
        return String(format: "chosen on a validation split of the training likes (%d users, %d items): %@; precision@10 %.4f against %.4f at the defaults; %d settings tried by %@ in %.1f s of a %.0f s budget",
                      validationUsers, items, chosenText, precision, defaultPrecision, trials.count, method, seconds, budgetSeconds)
            + (keptOut.map { "; \($0)" } ?? "")
    }

    /// As stored with an evaluation run, for /evaluation.
    public var json: [String: Any] {
        ["algorithm": algorithm.rawValue, "chosen": chosen, "precision@10": precision, "default_precision@10": defaultPrecision,
         "seconds": seconds, "budget_seconds": budgetSeconds, "validation_users": validationUsers, "items": items,
         "method": method, "kept_defaults": keptDefaults,
         "trials": trials.map { ["settings": $0.settings, "precision@10": $0.precision, "seconds": $0.seconds, "rung": $0.rung] as [String: Any] }]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%g", value)
    }
}

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
        for algorithm in wanted {
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

    /// 5 likes of 20% of the users with at least 10 (at most `maxUsers` of them), seeded, on the same indices.
    /// Users in `excluding` are never held out (another split's validation users).
    public static func carve(_ train: InteractionMatrix, seed: UInt64, maxUsers: Int = .max,
                             excluding: Set<Int> = []) -> (fit: InteractionMatrix, validation: InteractionMatrix) {
        var random = SeededGenerator(seed: seed &+ 7, stream: 11)
        let allEligible = (0..<train.userCount).filter { train.userDegree($0) >= 10 }
        let share = max(1, allEligible.count / 5)
        var eligible = allEligible.filter { !excluding.contains($0) }
        for index in stride(from: eligible.count - 1, to: 0, by: -1) { eligible.swapAt(index, random.below(index + 1)) }
        let chosen = eligible.prefix(min(maxUsers, share))
        var heldOut = Set<Int64>()
        var validationPairs: [(user: Int32, item: Int32)] = []
        for user in chosen {
            var items = Array(train.items(ofUser: user))
            for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, random.below(index + 1)) }
            for item in items.prefix(5) {
                heldOut.insert(Int64(user) << 32 | Int64(item))
                validationPairs.append((Int32(user), item))
            }
        }
        var fitPairs: [(user: Int32, item: Int32)] = []
        fitPairs.reserveCapacity(train.interactionCount)
        for user in 0..<train.userCount {
            for item in train.items(ofUser: user) where !heldOut.contains(Int64(user) << 32 | Int64(item)) {
                fitPairs.append((Int32(user), item))
            }
        }
        return (InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount, pairs: fitPairs),
                InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount, pairs: validationPairs))
    }

    /// The candidates each search tries, around and including the defaults (see docs/quality.md for the ranges).
    static func candidates(_ algorithm: Algorithm, from settings: HarnessSettings) -> [[String: Double]] {
        func grid(_ axes: [(String, [Double])]) -> [[String: Double]] {
            axes.reduce([[:]]) { points, axis in points.flatMap { point in axis.1.map { point.merging([axis.0: $0]) { $1 } } } }
        }
        switch algorithm {
        case .wrmf:
            // implicit's form (one λ for every row) and iALS revisited's (λ scaled by each row's count, ν = 1).
            let plain = grid([("factors", [64, 128]), ("alpha", [2, 5, 15, 50]), ("regularization", [1, 3, 10, 30, 100]),
                              ("regularization_exponent", [0])])
            let scaled = grid([("factors", [64, 128]), ("alpha", [5, 15, 50]), ("regularization", [0.003, 0.01, 0.03]),
                               ("regularization_exponent", [1])])
            return plain + scaled
        case .ease:
            return grid([("regularization", [10, 30, 100, 300, 1000]), ("dropout", [0, 0.1, 0.25, 0.5, 0.75])])
        case .rp3beta:
            return grid([("alpha", [0.5, 0.75, 1]), ("beta", [0, 0.15, 0.3, 0.45, 0.6])])
        case .easeTags:
            let lambda = Double(settings.easeRegularization)
            return grid([("side_weight", [0, 0.03, 0.1, 0.3, 1, 3, 10]), ("regularization", [lambda])])
                + grid([("side_weight", [0.3, 1, 3]), ("regularization", [lambda / 3, lambda * 3])])
        case .rp3betaTags:
            return grid([("side_weight", [0, 0.03, 0.1, 0.3, 1, 3, 10])])
        case .blend:
            return grid([("ease_weight", [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1])])
        default:
            return []
        }
    }

    /// The defaults as a point of the search, for the comparison each outcome reports.
    static func defaults(_ algorithm: Algorithm, _ settings: HarnessSettings) -> [String: Double] {
        switch algorithm {
        case .wrmf:
            ["factors": Double(settings.factors), "alpha": Double(settings.alpha),
             "regularization": Double(settings.regularization), "regularization_exponent": Double(settings.regularizationExponent)]
        case .ease: ["regularization": Double(settings.easeRegularization), "dropout": Double(settings.easeDropout)]
        case .easeTags: ["side_weight": Double(settings.easeSideWeight), "regularization": Double(settings.easeLambda(tags: true))]
        case .rp3beta: ["alpha": Double(settings.rp3Alpha), "beta": Double(settings.rp3Beta)]
        case .rp3betaTags: ["side_weight": Double(settings.rp3SideWeight)]
        case .blend: ["ease_weight": Double(settings.blendWeight)]
        default: [:]
        }
    }

    /// `settings` with one point applied.
    public static func applying(_ point: [String: Double], to settings: HarnessSettings, algorithm: Algorithm) -> HarnessSettings {
        var settings = settings
        for (name, value) in point {
            switch (algorithm, name) {
            case (.wrmf, "factors"): settings.factors = Int(value)
            case (.wrmf, "alpha"): settings.alpha = Float(value)
            case (.wrmf, "regularization"): settings.regularization = Float(value)
            case (.wrmf, "regularization_exponent"): settings.regularizationExponent = Float(value)
            case (.ease, "regularization"): settings.easeRegularization = Float(value)
            case (.easeTags, "regularization"):
                // Its own λ: EASE's stays as EASE's search (or the flag) set it.
                settings.easeTagsRegularization = Float(value) == settings.easeRegularization ? nil : Float(value)
            case (.ease, "dropout"): settings.easeDropout = Float(value)
            case (.easeTags, "side_weight"): settings.easeSideWeight = Float(value)
            case (.rp3beta, "alpha"): settings.rp3Alpha = Float(value)
            case (.rp3beta, "beta"): settings.rp3Beta = Float(value)
            case (.rp3betaTags, "side_weight"): settings.rp3SideWeight = Float(value)
            case (.blend, "ease_weight"): settings.blendWeight = Float(value)
            default: break
            }
        }
        return settings
    }

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
        let clock = ContinuousClock()
        let start = clock.now
        // EASE's cost grows as items³: search on the most-liked items when there are many.
        var (fitMatrix, validationMatrix, features) = (fit, validation, sideFeatures)
        var folds = extraFolds.map { (fit: $0.fit, validation: $0.validation, features: sideFeatures) }
        var costScale = Double(fullLikes) / Double(max(1, fit.interactionCount))
        if algorithm == .ease || algorithm == .easeTags || algorithm == .blend, fit.itemCount > maxSearchItems {
            (fitMatrix, validationMatrix, features) = Self.restrict(fit, validation, sideFeatures, to: maxSearchItems)
            folds = folds.map { Self.restrict($0.fit, $0.validation, sideFeatures, to: maxSearchItems) }
                .map { (fit: $0.0, validation: $0.1, features: $0.2) }
            costScale *= pow(Double(min(fit.itemCount, settings.easeMaxItems)) / Double(maxSearchItems), 3)
        }
        costScale /= Double(1 + folds.count)
        var quiet = settings
        quiet.learningCurves = false
        let evaluator = RankingEvaluator(threads: settings.threads, coldThreshold: 0)
        let defaultPoint = Self.defaults(algorithm, settings)
        var points = Self.candidates(algorithm, from: settings)
        points.removeAll { $0 == defaultPoint }
        points.insert(defaultPoint, at: 0)
        var trials: [SettingsSearchOutcome.Trial] = []
        var limit = budgetSeconds.map { $0 + carried }
        let validationUsers = ([validationMatrix] + folds.map(\.validation)).reduce(0) { total, matrix in
            total + (0..<matrix.userCount).filter { matrix.userDegree($0) > 0 }.count
        }
        let method: String
        if algorithm == .wrmf {
            // Rungs of 3 and 7 iterations, then the full count (fewer rungs when the full count is small).
            let rungs = [3, 7].filter { $0 < settings.iterations } + [max(1, settings.iterations)]
            method = "successive halving (\(rungs.map(String.init).joined(separator: ", ")) iterations, the best third going on warm)"
            // The defaults first, the rest in a seeded random order, so a budget that cuts the list short still
            // samples the whole grid rather than one corner of it.
            var random = SeededGenerator(seed: settings.seed &+ 29, stream: 31)
            var others = Array(points.dropFirst())
            for index in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(index, random.below(index + 1)) }
            var survivors = ([points[0]] + others).map { (point: $0, model: WRMFModel?.none, precision: 0.0, seconds: 0.0) }
            // Iterations the whole halving costs per starting candidate, in units of the first rung's.
            let perCandidate = rungs.enumerated().reduce(0.0) { total, rung in
                let previous = rung.offset == 0 ? 0 : rungs[rung.offset - 1]
                return total + Double(rung.element - previous) / pow(3, Double(rung.offset))
            } / Double(rungs[0])
            var done = 0
            rungLoop: for (rung, iterations) in rungs.enumerated() {
                // A while loop: the first trial may shorten the list.
                var index = -1
                while index + 1 < survivors.count {
                    index += 1
                    if let limit, (clock.now - start).inSeconds > limit, !trials.isEmpty { break rungLoop }
                    let trialStart = clock.now
                    var wrmf = Self.applying(survivors[index].point, to: quiet, algorithm: .wrmf).wrmf
                    wrmf.iterations = iterations - done
                    let model = wrmf.fit(fitMatrix, startingFrom: survivors[index].model)
                    let precision = evaluator.evaluate(WRMFScorer(model), train: fitMatrix, test: validationMatrix)["precision@10"]
                    let seconds = (clock.now - trialStart).inSeconds
                    survivors[index] = (survivors[index].point, model, precision, survivors[index].seconds + seconds)
                    if rung == 0, index == 0 {
                        // One full fit over all the likes, from this first-rung trial of the defaults.
                        if limit == nil {
                            limit = max(15, seconds * Double(rungs.last!) / Double(iterations) * costScale) + carried
                        }
                    }
                    if rung == 0, let limit {
                        // As many candidates as the budget can take through every rung, from the first rung's mean
                        // trial so far (a 128-factor trial costs about four 64-factor ones), never fewer than those
                        // already tried or three.
                        let mean = (clock.now - start).inSeconds / Double(index + 1)
                        let affordable = Int(limit / max(mean * perCandidate, 1e-6))
                        survivors = Array(survivors.prefix(max(3, index + 1, min(survivors.count, affordable))))
                    }
                    trials.append(.init(settings: survivors[index].point, precision: precision, seconds: seconds, rung: rung))
                    if rung == 0 {
                        // Only a model that can still be among the best third need be kept (and the defaults').
                        let keep = max(1, survivors.count / 3)
                        let threshold = survivors[0...index].map(\.precision).sorted(by: >).dropFirst(keep - 1).first ?? 0
                        for other in 1...max(1, index) where other <= index && survivors[other].precision < threshold {
                            survivors[other].model = nil
                        }
                    }
                }
                done = iterations
                if rung < rungs.count - 1 {
                    // The best third go on, the defaults first and always, so the outcome compares with them like
                    // for like even when the budget ends the next rung early.
                    let defaults = survivors[0]
                    let rest = survivors.dropFirst().sorted { $0.precision > $1.precision }
                    survivors = [defaults] + rest.prefix(max(1, survivors.count / 3))
                }
            }
            // Only the last rung's figures compare like with like; earlier rungs decided who went on.
            let last = trials.map(\.rung).max() ?? 0
            let best = Self.firstBest(trials.filter { $0.rung == last })
            let defaultTrial = trials.first { $0.settings == defaultPoint && $0.rung == last }
            return outcome(algorithm, best: best, defaultPrecision: defaultTrial?.precision ?? trials.first?.precision ?? 0,
                           trials: trials, start: start, limit: limit ?? 0, validationUsers: validationUsers,
                           items: fitMatrix.itemCount, method: method)
        }
        if algorithm == .blend {
            return try searchBlend(points: points, settings: quiet,
                                   folds: [(fitMatrix, validationMatrix, features)] + folds, evaluator: evaluator,
                                   start: start, limit: limit ?? max(15, carried))
        }
        method = folds.isEmpty ? "grid" : "grid on \(1 + folds.count) validation splits"
        for point in points {
            if let limit, (clock.now - start).inSeconds > limit, !trials.isEmpty { break }
            let trialStart = clock.now
            let trialSettings = Self.applying(point, to: quiet, algorithm: algorithm)
            // Every fold: the mean precision, and each fold's users' figures side by side for the paired comparison.
            var precisions: [Double] = [], perUser: [Double] = []
            for fold in [(fit: fitMatrix, validation: validationMatrix, features: features)] + folds {
                let report = try EvaluationHarness(settings: trialSettings).run([algorithm], train: fold.fit, test: fold.validation,
                                                                               sideFeatures: fold.features, scoringListsToo: false)[0]
                precisions.append(report.metrics["precision@10"])
                perUser += report.metrics.perUser["precision@10"] ?? []
            }
            let seconds = (clock.now - trialStart).inSeconds
            if limit == nil { limit = max(15, seconds * costScale) + carried }
            trials.append(.init(settings: point, precision: precisions.reduce(0, +) / Double(precisions.count), seconds: seconds,
                                rung: 0, perUser: perUser))
        }
        var best = Self.firstBest(trials)
        var keptOut: String?
        // Tags must earn their place: a weight above 0 only when it is ahead of the same model without tags beyond
        // the validation users' noise (the paired bootstrap's lower bound above 1); otherwise the tag-free model.
        if algorithm.withoutTags != nil, let chosen = best, (chosen.settings["side_weight"] ?? 0) > 0 {
            var plainPoint = chosen.settings
            plainPoint["side_weight"] = 0
            if let plain = trials.first(where: { $0.settings == plainPoint }) ?? trials.first(where: { $0.settings["side_weight"] == 0 }),
               chosen.perUser.count == plain.perUser.count, !plain.perUser.isEmpty {
                let paired = Bootstrap(resamples: 1000, seed: settings.seed, threads: settings.threads).pairedRatio(chosen.perUser, plain.perUser)
                if paired.verdict != .ahead {
                    keptOut = String(format: "tags kept out: weight %@ was %.3f× the tag-free model [%.3f, %.3f] on validation, not ahead beyond noise",
                                     SettingsSearchOutcome.format(chosen.settings["side_weight"]!), paired.ratio,
                                     paired.interval.lowerBound, paired.interval.upperBound)
                    best = plain
                }
            }
        }
        var result = outcome(algorithm, best: best, defaultPrecision: trials.first?.precision ?? 0, trials: trials, start: start,
                             limit: limit ?? 0, validationUsers: validationUsers, items: fitMatrix.itemCount, method: method)
        result.keptOut = keptOut
        return result
    }

    /// The blend's weight: both parts fitted once with their chosen settings, every weight scored on them; a weight
    /// strictly between 0 and 1 only when it is ahead of the better part alone beyond the validation users' noise.
    func searchBlend(points: [[String: Double]], settings: HarnessSettings,
                     folds: [(fit: InteractionMatrix, validation: InteractionMatrix, features: [(item: Int, feature: String, weight: Float)])],
                     evaluator: RankingEvaluator, start: ContinuousClock.Instant, limit: Double) throws -> SettingsSearchOutcome {
        let clock = ContinuousClock()
        let easePart: Algorithm = !(folds.first?.features.isEmpty ?? true) && settings.easeSideWeight > 0 ? .easeTags : .ease
        // Each fold fits both parts; the budget decides how many folds (at least one).
        var parts: [[Algorithm: ItemScorer]] = []
        for fold in folds where parts.isEmpty || (clock.now - start).inSeconds < limit {
            parts.append(try EvaluationHarness(settings: settings).runKeeping(
                [easePart, .wrmf], train: fold.fit, test: fold.validation, sideFeatures: fold.features, scoringListsToo: false,
                keep: [easePart, .wrmf]).scorers)
        }
        let folds = Array(folds.prefix(parts.count))
        var trials: [SettingsSearchOutcome.Trial] = []
        for point in points {
            let trialStart = clock.now
            var precisions: [Double] = [], perUser: [Double] = []
            for (fold, scorers) in zip(folds, parts) {
                let scorer = BlendScorer(scorers[easePart]!, scorers[.wrmf]!, weight: Float(point["ease_weight"]!),
                                         itemCount: fold.fit.itemCount)
                let metrics = evaluator.evaluate(scorer, train: fold.fit, test: fold.validation)
                precisions.append(metrics["precision@10"])
                perUser += metrics.perUser["precision@10"] ?? []
            }
            trials.append(.init(settings: point, precision: precisions.reduce(0, +) / Double(precisions.count),
                                seconds: (clock.now - trialStart).inSeconds, rung: 0, perUser: perUser))
        }
        let validationUsers = folds.reduce(0) { total, fold in
            total + (0..<fold.validation.userCount).filter { fold.validation.userDegree($0) > 0 }.count
        }
        let fit = folds[0].fit
        var best = Self.firstBest(trials)
        var note: String?
        if let chosen = best, let weight = chosen.settings["ease_weight"], weight > 0, weight < 1 {
            let ends = trials.filter { $0.settings["ease_weight"] == 0 || $0.settings["ease_weight"] == 1 }
            if let single = Self.firstBest(ends), single.perUser.count == chosen.perUser.count, !single.perUser.isEmpty {
                let paired = Bootstrap(resamples: 1000, seed: base.seed, threads: settings.threads).pairedRatio(chosen.perUser, single.perUser)
                if paired.verdict != .ahead {
                    note = String(format: "blend kept out: weight %@ was %.3f× the better part alone [%.3f, %.3f] on validation, not ahead beyond noise",
                                  SettingsSearchOutcome.format(weight), paired.ratio, paired.interval.lowerBound, paired.interval.upperBound)
                    best = single
                }
            }
        }
        var result = outcome(.blend, best: best, defaultPrecision: trials.first?.precision ?? 0, trials: trials, start: start,
                             limit: limit, validationUsers: validationUsers, items: fit.itemCount,
                             method: "both parts fitted once on each of \(folds.count) validation splits, every weight scored")
        result.keptOut = note
        return result
    }

    private func outcome(_ algorithm: Algorithm, best: SettingsSearchOutcome.Trial?, defaultPrecision: Double,
                         trials: [SettingsSearchOutcome.Trial], start: ContinuousClock.Instant, limit: Double,
                         validationUsers: Int, items: Int, method: String) -> SettingsSearchOutcome {
        let seconds = (ContinuousClock.now - start).inSeconds
        let chosen = best
        return SettingsSearchOutcome(algorithm: algorithm, chosen: chosen?.settings ?? [:], precision: chosen?.precision ?? 0,
                                     defaultPrecision: defaultPrecision, trials: trials, seconds: seconds,
                                     budgetSeconds: limit, validationUsers: validationUsers, items: items, method: method,
                                     keptDefaults: chosen == nil)
    }

    /// The best trial, ties to the earlier one (the defaults come first).
    static func firstBest(_ trials: [SettingsSearchOutcome.Trial]) -> SettingsSearchOutcome.Trial? {
        var best: SettingsSearchOutcome.Trial?
        for trial in trials where best == nil || trial.precision > best!.precision { best = trial }
        return best
    }

    /// Every user with validation likes and others drawn at random, `count` in all, re-indexed (items keep theirs).
    static func sampleUsers(_ fit: InteractionMatrix, _ validation: InteractionMatrix, count: Int,
                            seed: UInt64) -> (InteractionMatrix, InteractionMatrix) {
        var random = SeededGenerator(seed: seed &+ 13, stream: 17)
        var others = (0..<fit.userCount).filter { validation.userDegree($0) == 0 }
        for index in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(index, random.below(index + 1)) }
        let kept = (0..<validation.userCount).filter { validation.userDegree($0) > 0 }
        let users = (kept + others.prefix(max(0, count - kept.count))).sorted()
        func remap(_ matrix: InteractionMatrix) -> InteractionMatrix {
            var pairs: [(user: Int32, item: Int32)] = []
            for (position, user) in users.enumerated() {
                for item in matrix.items(ofUser: user) { pairs.append((Int32(position), item)) }
            }
            return InteractionMatrix(userCount: users.count, itemCount: matrix.itemCount, pairs: pairs)
        }
        return (remap(fit), remap(validation))
    }

    /// The likes (and features) of the `count` most-liked items only, re-indexed.
    public static func restrict(_ fit: InteractionMatrix, _ validation: InteractionMatrix,
                         _ features: [(item: Int, feature: String, weight: Float)], to count: Int)
        -> (InteractionMatrix, InteractionMatrix, [(item: Int, feature: String, weight: Float)]) {
        let order = (0..<fit.itemCount).sorted {
            fit.itemDegree($0) != fit.itemDegree($1) ? fit.itemDegree($0) > fit.itemDegree($1) : $0 < $1
        }
        var local = [Int32](repeating: -1, count: fit.itemCount)
        for (position, item) in order.prefix(count).enumerated() { local[item] = Int32(position) }
        func remap(_ matrix: InteractionMatrix) -> InteractionMatrix {
            var pairs: [(user: Int32, item: Int32)] = []
            for user in 0..<matrix.userCount {
                for item in matrix.items(ofUser: user) where local[Int(item)] >= 0 { pairs.append((Int32(user), local[Int(item)])) }
            }
            return InteractionMatrix(userCount: matrix.userCount, itemCount: count, pairs: pairs)
        }
        let kept = features.compactMap { row in local[row.item] >= 0 ? (item: Int(local[row.item]), feature: row.feature, weight: row.weight) : nil }
        return (remap(fit), remap(validation), kept)
    }
}
