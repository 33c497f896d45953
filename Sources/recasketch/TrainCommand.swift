import ArgumentParser
import CatalogStore
import Foundation
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Compute item-to-item recommendations for every model and store them.",
        discussion: "Available algorithms: \(RecommenderCatalog.trainable.joined(separator: ", ")). Each run replaces that algorithm's stored lists in one transaction.")

    @Option(help: "Comma-separated algorithms.") var algorithms = RecommenderCatalog.trainable.joined(separator: ",")
    @Option(help: "Recommendations kept per model.") var neighbours = 12
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try CatalogStore(path: database.path)
        let names = algorithms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        do {
            _ = try Trainer.run(TrainingOptions(algorithms: names, neighbours: neighbours, threads: threads),
                                store: store) { print($0) }
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }
}
