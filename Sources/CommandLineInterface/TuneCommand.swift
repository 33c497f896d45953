import AlgorithmIdentity
import ArgumentParser
import Evaluation
import Foundation

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Random search of the learning-to-rank settings on a validation split.",
        discussion: """
            The validation split is carved from the training data (5 likes of 20% of its users, or of all with 10+ \
            likes when fewer qualify); the test split is \
            never read. Trial 1 is this project's defaults, trial 2 LightFM's library defaults (10 components, \
            learning rate 0.05, no penalties), the rest random over components 16–128, learning rate 0.005–0.2 \
            (log), epochs 5–60 and penalties 1e-8–1e-3 (log). A trial below half the best validation precision a \
            third of the way through is stopped early. --write saves the best for `train --settings`.
            """)

    @OptionGroup var input: SplitInputOptions
    @Option(help: "\(Algorithm.learningToRank.map(\.rawValue).joined(separator: ", ")).",
            transform: { text in
                guard let algorithm = Algorithm(rawValue: text), algorithm.isLearningToRank else {
                    throw ArgumentProblem(description: "expected one of \(Algorithm.learningToRank.map(\.rawValue).joined(separator: ", "))")
                }
                return algorithm
            })
    var algorithm: Algorithm = .warpTags
    @Option(help: "Number of trials, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var trials = 20
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = 2
    @Option(help: "Write the best settings (JSON) for `recasketch train --settings`.", transform: ArgumentCheck.nonEmpty) var write: String?

    func validate() throws {
        try input.validate(needsTest: false)
    }

    func run() throws {
        let search = HyperparameterSearch(algorithm: algorithm, trials: trials, seed: input.seed, threads: threads)
        let best = try search.run(source: input.source, holdout: input.holdoutSplit, featuresFile: input.featuresURL) { print($0) }
        if let write {
            try best.write(to: URL(fileURLWithPath: write))
            print("written to \(write)")
        }
    }
}
