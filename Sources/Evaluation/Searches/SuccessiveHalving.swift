import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

extension SettingsSelection {
    /// WRMF by successive halving: every candidate gets the first rung's iterations, the best third go on warm
    /// from where they stopped to the next rung, the defaults always among them, so the outcome compares with them
    /// like for like; the list is shuffled (defaults first) and cut to what the budget can take through every rung, and
    /// a budget that runs out anyway still ends with the defaults and the best so far at the full count.
    func searchWRMF(_ setup: SearchSetup) -> SettingsSearchOutcome {
        var setup = setup
        let (fit, validation) = (setup.main.fit, setup.main.validation)
        let iterations = setup.settings.iterations
        // Rungs of 3 and 7 iterations, then the full count (fewer rungs when the full count is small).
        let rungs = [3, 7].filter { $0 < iterations } + [max(1, iterations)]
        let method = "successive halving (\(rungs.map(String.init).joined(separator: ", ")) iterations, the best third going on warm)"
        // The defaults first, the rest in a seeded random order, so a budget that cuts the list short still samples
        // the whole grid rather than one corner of it.
        var random = SeededGenerator(seed: setup.settings.seed &+ 29, stream: 31)
        var others = Array(setup.points.dropFirst())
        for index in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(index, random.below(index + 1)) }
        var survivors = ([setup.points[0]] + others).map { (point: $0, model: WRMFModel?.none, precision: 0.0) }
        // Iterations the whole halving costs per starting candidate, in units of the first rung's.
        let perCandidate = rungs.enumerated().reduce(0.0) { total, rung in
            let previous = rung.offset == 0 ? 0 : rungs[rung.offset - 1]
            return total + Double(rung.element - previous) / pow(3, Double(rung.offset))
        } / Double(rungs[0])
        var trials: [SettingsSearchOutcome.Trial] = []
        var done = 0
        for (rung, rungIterations) in rungs.enumerated() {
            // A while loop: the first rung's trials may shorten the list.
            var index = -1
            while index + 1 < survivors.count {
                index += 1
                // A spent budget stops new candidates but still takes the defaults and the best so far through every
                // rung: figures at fewer iterations than the real fit would compare nothing with the defaults.
                if setup.overBudget(tried: trials.count), rung == 0 || index >= 2 {
                    survivors = Array(survivors.prefix(index))
                    break
                }
                let trialStart = ContinuousClock.now
                var wrmf = Self.applying(survivors[index].point, to: setup.settings, algorithm: .wrmf).wrmf
                wrmf.iterations = rungIterations - done
                let model = wrmf.fit(fit, startingFrom: survivors[index].model)
                let precision = setup.evaluator.evaluate(WRMFScorer(model), train: fit, test: validation)["precision@10"]
                let seconds = (ContinuousClock.now - trialStart).inSeconds
                survivors[index] = (survivors[index].point, model, precision)
                trials.append(.init(settings: survivors[index].point, precision: precision, seconds: seconds, rung: rung))
                guard rung == 0 else { continue }
                if index == 0, setup.limit == nil {
                    // One full fit over all the likes, from this first-rung trial of the defaults.
                    setup.limit = max(15, seconds * Double(rungs.last!) / Double(rungIterations) * setup.costScale) + setup.carried
                }
                // As many candidates as the budget can take through every rung, from the first rung's mean trial so
                // far (a 128-factor trial costs about four 64-factor ones), never fewer than those tried or three.
                let mean = setup.elapsed / Double(index + 1)
                let affordable = Int(setup.limit! / max(mean * perCandidate, 1e-6))
                survivors = Array(survivors.prefix(max(3, index + 1, min(survivors.count, affordable))))
                // Only a model that can still be among the best third need be kept (and the defaults').
                let keep = max(1, survivors.count / 3)
                let threshold = survivors[0...index].map(\.precision).sorted(by: >).dropFirst(keep - 1).first ?? 0
                for other in survivors.indices.dropFirst().prefix(index) where survivors[other].precision < threshold {
                    survivors[other].model = nil
                }
            }
            done = rungIterations
            if rung < rungs.count - 1 {
                let rest = survivors.dropFirst().sorted { $0.precision > $1.precision }
                survivors = [survivors[0]] + rest.prefix(max(1, survivors.count / 3))
            }
        }
        // Only the last rung's figures compare like with like; earlier rungs decided who went on.
        let last = trials.map(\.rung).max() ?? 0
        let best = Self.firstBest(trials.filter { $0.rung == last })
        let defaultTrial = trials.first { $0.settings == setup.defaultPoint && $0.rung == last }
        return outcome(setup, best: best, defaultPrecision: defaultTrial?.precision ?? trials.first?.precision ?? 0,
                       trials: trials, method: method)
    }
}
