import ArgumentParser
import CatalogStore
import Foundation
import Recommenders
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Compute item-to-item recommendations for every model and store them.",
        discussion: "Available algorithms: \(RecommenderCatalog.trainable.joined(separator: ", ")). Each run replaces that algorithm's stored lists in one transaction.")

    @Option(help: "Comma-separated algorithms.") var algorithms = RecommenderCatalog.trainable.joined(separator: ",")
    @Option(help: "Recommendations kept per model.") var neighbours = 12
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "WRMF latent factors.") var factors = 64
    @Option(help: "WRMF ALS iterations.") var iterations = 15
    @Option(help: "WRMF L2 regularisation.") var regularization: Float = 0.1
    @Option(help: "WRMF confidence weight: c = 1 + alpha * r.") var alpha: Float = 50
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try CatalogStore(path: database.path)
        let names = algorithms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        do {
            let wrmf = WRMF(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations,
                            seed: seed, threads: threads)
            _ = try Trainer.run(TrainingOptions(algorithms: names, neighbours: neighbours, threads: threads, wrmf: wrmf),
                                store: store) { print($0) }
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }
}
