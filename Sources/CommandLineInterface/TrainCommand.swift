import AlgorithmIdentity
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
        discussion: "Algorithms: \(Algorithm.trainable.map(\.rawValue).joined(separator: ", ")). Each run replaces that algorithm's stored lists in one transaction. The database must exist (`recasketch import` creates it).")

    @Option(help: "Comma-separated algorithms (default: all; visual only with --thumbnails).",
            transform: { (text: String) throws -> [Algorithm] in
                do { return try Algorithm.list(text, among: Algorithm.trainable) } catch let error as UnknownAlgorithm {
                    throw ArgumentProblem(description: error.description)
                }
            })
    var algorithms: [Algorithm]?
    @Option(help: "Folder of {mid}.jpg thumbnails, which the visual algorithm reads.", transform: ArgumentCheck.nonEmpty) var thumbnails: String?
    @Option(help: "Recommendations kept per model, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var neighbours = 12
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "WRMF latent factors, 1–1024.", transform: ArgumentCheck.integer(1...1024)) var factors = 64
    @Option(help: "WRMF ALS iterations, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var iterations = 15
    @Option(help: "WRMF L2 regularisation λ, 0–1e6: each row's is λ·(its likes + α0·the other side's rows)^ν.",
            transform: ArgumentCheck.float(0...1e6))
    var regularization: Float = 0.003
    @Option(help: "WRMF: α0, the weight of every unobserved pair (iALS revisited), 0–1e6. 1 with --regularization-exponent 0, --initialisation uniform and --regularization 0.1 is the classic model.",
            transform: ArgumentCheck.float(0...1e6))
    var unobservedWeight: Float = 1
    @Option(help: "WRMF: ν, the exponent of the frequency-scaled regularisation, 0–2 (0: one λ for every row).", transform: ArgumentCheck.float(0...2))
    var regularizationExponent: Float = 1
    @Option(help: "WRMF: how factors start: normal (N(0, σ²/d), iALS revisited) or uniform (uniform(0, 0.01), classic).")
    var initialisation: WRMF.Initialisation = .normal
    @Option(help: "WRMF: σ of the normal initialisation, divided by √factors, 1e-6–10.", transform: ArgumentCheck.float(1e-6...10))
    var initSigma: Float = 0.1
    @Option(help: "WRMF confidence weight: c = 1 + alpha * r, 0–1e6.", transform: ArgumentCheck.float(0...1e6)) var alpha: Float = 50
    @Option(help: "warp-tags epochs, 1–10000.", transform: ArgumentCheck.integer(1...10_000)) var epochs = 30
    @Option(help: "warp-tags learning rate, 1e-6–10.", transform: ArgumentCheck.float(1e-6...10)) var learningRate: Float = 0.05
    @Option(help: "warp-tags latent components, 1–1024.", transform: ArgumentCheck.integer(1...1024)) var components = 64
    @Option(help: "warp-tags L2 penalty on item feature embeddings, 0–1.", transform: ArgumentCheck.float(0...1)) var itemAlpha: Float = 1e-6
    @Option(help: "warp-tags L2 penalty on user embeddings, 0–1.", transform: ArgumentCheck.float(0...1)) var userAlpha: Float = 1e-6
    @Option(help: "Settings file written by `recasketch tune --write` (overrides the warp-tags flags).", transform: ArgumentCheck.nonEmpty)
    var settings: String?
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @OptionGroup var database: DatabaseOption
    @OptionGroup(title: "Visual") var visual: VisualDescriptorOptions
    @OptionGroup(title: "Spark") var spark: SparkOptions

    /// Loading the CNN only pays off when `visual` is going to run.
    var wantsVisual: Bool {
        guard thumbnails != nil else { return false }
        return algorithms?.contains(.visual) ?? true
    }

    func run() throws {
        let store = try database.openExisting()
        let wrmf = WRMF(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations,
                        seed: seed, threads: threads, unobservedWeight: unobservedWeight,
                        regularizationExponent: regularizationExponent, initialisation: initialisation,
                        initialDeviation: initSigma)
        var hybrid = HybridTraining(loss: .warp, factors: components, learningRate: learningRate, userAlpha: userAlpha,
                                    itemAlpha: itemAlpha, epochs: epochs, seed: seed, threads: threads)
        if let settings {
            do { hybrid = try TunedSettings.read(URL(fileURLWithPath: settings)).applied(to: hybrid) } catch {
                throw CommandFailure("cannot read the settings in \(settings): \(error)")
            }
        }
        let descriptor = wantsVisual ? try visual.resolve { print($0) } : .classical
        var options = TrainingOptions(algorithms: algorithms, neighbours: neighbours, threads: threads, wrmf: wrmf,
                                      hybrid: hybrid, thumbnailsDirectory: thumbnails.map(URL.init(fileURLWithPath:)),
                                      visualDescriptor: descriptor, visualPrincipalComponents: visual.visualPca)
        if spark.engine == .spark {
            options.spark = try spark.job(required: true)
            options.sparkStaging = spark.staging
        }
        do {
            _ = try Trainer.run(options, store: store) { print($0) }
        } catch let error as TrainingError {
            throw CommandFailure("\(error.description) (database \(database.path))")
        }
    }
}
