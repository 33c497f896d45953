import ArgumentParser
import Evaluation
import Foundation

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Random search of the learning-to-rank settings on a validation split.",
        discussion: """
            The validation split is carved from the training data (5 likes of 20% of its users, or of all with 10+
            likes when fewer qualify); the test split is
            never read. Trial 1 is this project's defaults, trial 2 LightFM's library defaults (10 components,
            learning rate 0.05, no penalties), the rest random over components 16–128, learning rate 0.005–0.2
            (log), epochs 5–60 and penalties 1e-8–1e-3 (log). A trial below half the best validation precision a
            third of the way through is stopped early. --write saves the best for `train --settings`.
            """)

    @OptionGroup var input: SplitInputOptions
    @Option(help: "warp, warp-tags, bpr or bpr-tags.") var algorithm = "warp-tags"
    @Option(help: "Number of trials.") var trials = 20
    @Option(help: "Worker threads.") var threads = 2
    @Option(help: "Write the best settings (JSON) for `recasketch train --settings`.") var write: String?

    func validate() throws {
        try input.validate(needsTest: false)
        guard HyperparameterSearch.algorithms.contains(algorithm) else {
            throw ValidationError("--algorithm must be one of \(HyperparameterSearch.algorithms.joined(separator: ", "))")
        }
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
    }

    func run() throws {
        let (train, _) = try input.load()
        let features = try input.loadFeatures()
        print("trial  components  learning rate  epochs  item alpha  user alpha  validation p@10  seconds")
        let search = HyperparameterSearch(algorithm: algorithm, trials: trials, seed: input.seed, threads: threads)
        let outcome: (trials: [TrialResult], best: TunedSettings)
        do {
            outcome = try search.run(train: train, sideFeatures: features) { result in
                let s = result.settings
                print(String(format: "%5d  %10d  %13.4f  %6d  %10.2e  %10.2e  %15.4f  %7.1f%@", result.trial, s.factors,
                             s.learningRate, s.epochs, s.itemAlpha, s.userAlpha, s.validationPrecision, result.seconds,
                             result.completed ? "" : "  (stopped early)"))
            }
        } catch let error as HarnessError {
            throw ValidationError(error.description)
        }
        let best = outcome.best
        print(String(format: "best: %d components, learning rate %.4f, %d epochs, item alpha %.2e, user alpha %.2e → validation precision@10 %.4f",
                     best.factors, best.learningRate, best.epochs, best.itemAlpha, best.userAlpha, best.validationPrecision))
        if let write {
            try best.write(to: URL(fileURLWithPath: write))
            print("written to \(write)")
        }
    }
}
