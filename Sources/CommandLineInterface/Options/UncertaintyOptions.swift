import ArgumentParser
import Foundation

/// `--bootstrap` and `--split-seeds`: how much of a difference between `evaluate`'s algorithms is beyond noise, over
/// the test users (bootstrap intervals and paired ratios) and over splits (the whole run repeated per seed).
struct UncertaintyOptions: ParsableArguments {
    @Option(help: "Bootstrap resamples over test users for the 95% intervals and paired ratios, 0–100000 (0: none).",
            transform: ArgumentCheck.integer(0...100_000))
    var bootstrap = 1000
    @Option(help: "Comma-separated split seeds, such as 1,2,3: the split, fit and scoring are repeated per seed and each metric is reported as mean and spread.",
            transform: UncertaintyOptions.seedList)
    var splitSeeds: [UInt64] = []

    /// The most seeds one run repeats over.
    static let mostSeeds = 1000

    /// Whole numbers from 0 to 2^64 − 1, separated by commas, none twice.
    @Sendable static func seedList(_ text: String) throws -> [UInt64] {
        let expected = "--split-seeds takes comma-separated whole numbers from 0 to \(UInt64.max), such as 1,2,3"
        var seeds: [UInt64] = []
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = element.trimmingCharacters(in: .whitespaces)
            // Digits only: UInt64() would also take a leading "+".
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let seed = UInt64(trimmed) else {
                throw ArgumentProblem(description: "\(expected); '\(element)' is not one")
            }
            guard !seeds.contains(seed) else {
                throw ArgumentProblem(description: "--split-seeds names seed \(seed) twice")
            }
            seeds.append(seed)
        }
        guard seeds.count <= mostSeeds else {
            throw ArgumentProblem(description: "--split-seeds takes at most \(mostSeeds) seeds")
        }
        return seeds
    }
}
