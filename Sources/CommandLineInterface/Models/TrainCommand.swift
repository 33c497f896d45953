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
    @Option(help: ArgumentHelp("How each model's most similar models by WRMF's, warp-tags' and the visual features' vectors are found: auto, exact or approximate.",
                               discussion: "exact compares every pair (time grows as models²); approximate builds a neighbour graph by NN-descent (about models × log models) and logs its recall@--neighbours against exact lists on 1,000 sampled models; auto (the default) is exact below \(SimilarItemsSearch.defaultApproximateFrom) models with vectors, approximate from there."),
            transform: { text in
                guard let method = NeighbourSearchMethod(rawValue: text) else {
                    throw ArgumentProblem(description: "expected one of \(NeighbourSearchMethod.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return method
            })
    var neighbourSearch: NeighbourSearchMethod = .automatic
    @Option(help: "WRMF latent factors (implicit's `factors`), 1–1024.", transform: ArgumentCheck.integer(1...1024)) var factors: Int?
    @Option(help: "WRMF ALS iterations (implicit's `iterations`), 1–1000.", transform: ArgumentCheck.integer(1...1000)) var iterations = 15
    @Option(help: "WRMF's L2 penalty λ as implicit's `regularization` means it: the same λ for every user's and item's factors, 0–1e6 (iALS revisited's count-scaled λ: --scaled-regularization).",
            transform: ArgumentCheck.float(0...1e6))
    var regularization: Float?
    @OptionGroup(title: "Settings per catalogue") var tuning: TuningOptions
    @OptionGroup(title: "WRMF as iALS revisited, EASE, RP3beta") var likesModels: LikesModelOptions
    @Option(help: "What fills \"Users who liked this also liked\": wrmf, ease, rp3beta, itemknn, or auto (the default: the best of those trained, by precision@10 of their lists on a validation split of the likes; the page says which and by how much; wrmf when too few users have 10 likes to hold 5 out). The others stay carousels of their own.",
            transform: { text in
                if text == "auto" { return TrainingOptions.LikesCarousel.chosenOnValidation }
                guard let algorithm = Algorithm(rawValue: text), LikesCarouselSelection.candidates.contains(algorithm) else {
                    throw ArgumentProblem(description: "expected auto or one of \(LikesCarouselSelection.candidates.map(\.rawValue).joined(separator: ", "))")
                }
                return TrainingOptions.LikesCarousel.algorithm(algorithm)
            })
    var likesAlgorithm: TrainingOptions.LikesCarousel?
    @Option(help: "What fills \"Likes + tags\": warp-tags, ease-tags, rp3beta-tags, or auto (the default: the best of those trained, by precision@10 of their lists on a validation split of the likes, with the catalogue's tags and categories; the page says which and by how much). The others stay carousels of their own.",
            transform: { text in
                if text == "auto" { return TrainingOptions.LikesCarousel.chosenOnValidation }
                guard let algorithm = Algorithm(rawValue: text), CarouselSlot.likesAndTags.candidates.contains(algorithm) else {
                    throw ArgumentProblem(description: "expected auto or one of \(CarouselSlot.likesAndTags.candidates.map(\.rawValue).joined(separator: ", "))")
                }
                return TrainingOptions.LikesCarousel.algorithm(algorithm)
            })
    var tagsAlgorithm: TrainingOptions.LikesCarousel?
    @Option(help: "WRMF's confidence weight α as Hu, Koren & Volinsky and Spark's `alpha` mean it: c = 1 + α·r (implicit's gives c = α·r), 0–1e6.",
            transform: ArgumentCheck.float(0...1e6))
    var alpha: Float?
    @Option(help: "warp-tags epochs (LightFM's `epochs`), 1–10000.", transform: ArgumentCheck.integer(1...10_000)) var epochs = 30
    @Option(help: "warp-tags learning rate, as LightFM's `learning_rate`, from 1e-6 to 10.", transform: ArgumentCheck.float(1e-6...10)) var learningRate: Float = 0.05
    @Option(help: "warp-tags latent components (LightFM's `no_components`), 1–1024.", transform: ArgumentCheck.integer(1...1024)) var components = 64
    @Option(help: "warp-tags L2 penalty on item features (LightFM's `item_alpha`), 0–1.", transform: ArgumentCheck.float(0...1)) var itemAlpha: Float = 1e-6
    @Option(help: "warp-tags L2 penalty on user features (LightFM's `user_alpha`), 0–1.", transform: ArgumentCheck.float(0...1)) var userAlpha: Float = 1e-6
    @Option(help: "A settings file written by `recasketch tune --write`, for warp-tags or wrmf (overrides that algorithm's flags); repeat it for both.",
            transform: ArgumentCheck.nonEmpty)
    var settings: [String] = []
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @OptionGroup var database: DatabaseOption
    @OptionGroup(title: "Visual") var visual: VisualDescriptorOptions
    @OptionGroup(title: "Spark") var spark: SparkOptions

    /// Loading the CNN only pays off when `visual` is going to run.
    var wantsVisual: Bool {
        guard thumbnails != nil else { return false }
        return algorithms?.contains(.visual) ?? true
    }

    func validate() throws {
        try likesModels.validate(regularization: regularization)
        if case .algorithm(let chosen)? = likesAlgorithm, let algorithms, !algorithms.contains(chosen) {
            throw ValidationError("--likes-algorithm \(chosen.rawValue) is not among --algorithms")
        }
        if case .algorithm(let chosen)? = tagsAlgorithm, let algorithms, !algorithms.contains(chosen) {
            throw ValidationError("--tags-algorithm \(chosen.rawValue) is not among --algorithms")
        }
    }

    func run() throws {
        let store = try database.openExisting()
        var selection = HarnessSettings()
        likesModels.apply(to: &selection, regularization: regularization)
        if let factors { selection.factors = factors }
        if let alpha { selection.alpha = alpha }
        (selection.iterations, selection.seed, selection.threads) = (iterations, seed, threads)
        var wrmf = selection.wrmf
        var hybrid = HybridTraining(loss: .warp, factors: components, learningRate: learningRate, userAlpha: userAlpha,
                                    itemAlpha: itemAlpha, epochs: epochs, seed: seed, threads: threads)
        var wrmfFromFile = false
        for file in settings {
            let url = URL(fileURLWithPath: file)
            do {
                if let grid = try GridSettings.read(url) {
                    guard grid.algorithm == .wrmf else {
                        throw CommandFailure("\(file) holds \(grid.algorithm.rawValue)'s settings; train takes wrmf's and warp-tags'")
                    }
                    wrmf = grid.applied(to: wrmf)
                    wrmfFromFile = true
                } else {
                    hybrid = try TunedSettings.read(url).applied(to: hybrid)
                }
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("cannot read the settings in \(file): \(error)")
            }
        }
        let descriptor = wantsVisual ? try visual.resolve { print($0) } : .classical
        var options = TrainingOptions(algorithms: algorithms, neighbours: neighbours, threads: threads, wrmf: wrmf,
                                      hybrid: hybrid, thumbnailsDirectory: thumbnails.map(URL.init(fileURLWithPath:)),
                                      visualDescriptor: descriptor, visualPrincipalComponents: visual.visualPca)
        options.likesCarousel = likesAlgorithm ?? .chosenOnValidation
        options.tagsCarousel = tagsAlgorithm ?? .chosenOnValidation
        options.selection = selection
        options.tuneBudget = tuning.tuneBudget
        options.neighbourSearch = neighbourSearch
        options.pinned = likesModels.pinned(wrmfFlags: factors != nil || regularization != nil || alpha != nil || wrmfFromFile)
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
