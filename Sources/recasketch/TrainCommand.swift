import ArgumentParser
import CatalogStore
import Evaluation
import Foundation
import Recommenders
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Compute item-to-item recommendations for every model and store them.",
        discussion: "Available algorithms: \(RecommenderCatalog.trainable.joined(separator: ", ")). Each run replaces that algorithm's stored lists in one transaction.")

    @Option(help: "Comma-separated algorithms (default: all; visual only with --thumbnails).") var algorithms: String?
    @Option(help: "Folder of {mid}.jpg thumbnails, for the visual algorithm.") var thumbnails: String?
    @Option(help: "Recommendations kept per model.") var neighbours = 12
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "WRMF latent factors.") var factors = 64
    @Option(help: "WRMF ALS iterations.") var iterations = 15
    @Option(help: "WRMF L2 regularisation.") var regularization: Float = 0.1
    @Option(help: "WRMF confidence weight: c = 1 + alpha * r.") var alpha: Float = 50
    @Option(help: "warp-tags epochs.") var epochs = 30
    @Option(help: "warp-tags learning rate.") var learningRate: Float = 0.05
    @Option(help: "warp-tags latent components.") var components = 64
    @Option(help: "warp-tags L2 penalty on item feature embeddings.") var itemAlpha: Float = 1e-6
    @Option(help: "warp-tags L2 penalty on user embeddings.") var userAlpha: Float = 1e-6
    @Option(help: "Settings file written by `recasketch tune --write` (overrides the warp-tags flags).") var settings: String?
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @OptionGroup var database: DatabaseOption
    @OptionGroup(title: "Visual") var visual: VisualDescriptorOptions

    /// Loading the CNN only pays off when `visual` is going to run.
    var wantsVisual: Bool {
        guard thumbnails != nil else { return false }
        return algorithms?.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "visual" } ?? true
    }

    func run() throws {
        let store = try CatalogStore(path: database.path)
        let names = algorithms.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        do {
            let wrmf = WRMF(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations,
                            seed: seed, threads: threads)
            var hybrid = HybridTraining(loss: .warp, factors: components, learningRate: learningRate, userAlpha: userAlpha,
                                        itemAlpha: itemAlpha, epochs: epochs, seed: seed, threads: threads)
            if let settings { hybrid = try TunedSettings.read(URL(fileURLWithPath: settings)).applied(to: hybrid) }
            _ = try Trainer.run(TrainingOptions(algorithms: names, neighbours: neighbours, threads: threads, wrmf: wrmf,
                                                hybrid: hybrid, thumbnailsDirectory: thumbnails.map(URL.init(fileURLWithPath:)),
                                                visualDescriptor: wantsVisual ? visual.resolve { print($0) } : .classical,
                                                visualPrincipalComponents: visual.visualPca),
                                store: store) { print($0) }
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }
}
