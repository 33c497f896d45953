import AlgorithmIdentity
import ArgumentParser
import CatalogStore
import Evaluation
import Foundation
import Recommenders

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate recommenders offline on a held-out split, side by side.",
        discussion: """
            Input is `user,item[,weight]` CSV with a header. With --interactions the data is thresholded \
            (--min-user/--min-item likes, repeated until stable) and split: for --fraction of all users, drawn among \
            those with at least twice --holdout likes, --holdout likes move to the test set (seeded). --write-split \
            saves train.csv and test.csv so other tools can score exactly the same split; --train/--test read one. \
            Metrics are over test users, with the items they liked in training left out of the ranking. \
            --db PATH stores the run (split sizes, settings, metrics and learning curves) in that catalogue, where \
            `recasketch serve` shows it at /evaluation; without another input it evaluates that catalogue's likes, and \
            the -tags algorithms use its tags and categories.
            """)

    @OptionGroup var input: SplitInputOptions
    @OptionGroup(title: "Spark (for spark-als)") var spark: SparkOptions
    @OptionGroup(title: "Uncertainty") var uncertainty: UncertaintyOptions
    @OptionGroup(title: "WRMF as iALS revisited, EASE, RP3beta") var likesModels: LikesModelOptions
    @Option(help: "Store the run in this catalogue database for the site's /evaluation page (and, without another input, evaluate its likes).",
            transform: ArgumentCheck.nonEmpty)
    var db: String?
    @Option(help: "Write the split's train.csv and test.csv into this folder for other tools.", transform: ArgumentCheck.nonEmpty) var writeSplit: String?
    @Option(name: .customLong("algorithms"), help: "Comma-separated, any of: \(Algorithm.evaluable.map(\.rawValue).joined(separator: ", ")); or all: every one the inputs allow (the -tags ones when there are features; spark-als is left to be named).",
            transform: { (text: String) throws -> AlgorithmSelection in
                if text.trimmingCharacters(in: .whitespaces) == "all" { return .all }
                do { return .named(try Algorithm.list(text, among: Algorithm.evaluable)) } catch let error as UnknownAlgorithm {
                    throw ArgumentProblem(description: error.description)
                }
            })
    var algorithmSelection: AlgorithmSelection = .named([.popularity, .itemKNN, .wrmf])

    enum AlgorithmSelection {
        case all
        case named([Algorithm])
    }

    /// The algorithms to run: `all` resolved against the inputs (features from a file or the catalogue).
    var algorithms: [Algorithm] {
        switch algorithmSelection {
        case .named(let list): return list
        case .all:
            let catalogue = !input.hasFileInput && db != nil
            let hasFeatures = input.featuresURL != nil || catalogue
            return Algorithm.evaluable.filter {
                $0 != .sparkALS && (hasFeatures || !$0.usesSideFeatures) && ($0 != .visual || catalogue)
            }
        }
    }
    @OptionGroup(title: "Settings per catalogue") var tuning: TuningOptions
    @Option(help: "Latent factors (WRMF as implicit's `factors`; WARP/BPR as LightFM's `no_components`), 1–1024.",
            transform: ArgumentCheck.integer(1...1024))
    var factors: Int?
    @Option(help: "ALS iterations (implicit's `iterations`), 1–1000.", transform: ArgumentCheck.integer(1...1000)) var iterations = 15
    @Option(help: "WRMF's L2 penalty λ as implicit's `regularization` means it: the same λ for every user's and item's factors, 0–1e6. (Spark's regParam is scaled by each row's likes: see --spark-regularization; iALS revisited's by likes + α0·rows: --scaled-regularization.)",
            transform: ArgumentCheck.float(0...1e6))
    var regularization: Float?
    @Option(help: "WRMF's confidence weight α as Hu, Koren & Volinsky and Spark's `alpha` mean it: c = 1 + α·r (implicit's `alpha` gives c = α·r; at α ≥ 10 they differ by under 10% on a like), 0–1e6.",
            transform: ArgumentCheck.float(0...1e6))
    var alpha: Float?
    @Option(help: "WRMF: conjugate-gradient steps per row (implicit's `cg_steps`), 1–100.", transform: ArgumentCheck.integer(1...100)) var cgSteps = 3
    @Option(help: "Scaling of r before alpha: linear, log or bm25.") var scaling: ConfidenceScaling = .linear
    @Option(help: "Neighbours in each item-to-item list (implicit's item-item `K`), for the list rule the carousels use, 1–100000 (the models themselves are scored with all their weights).", transform: ArgumentCheck.integer(1...100_000)) var neighbours = 100
    @Option(help: "Write the item features as item,feature,weight CSV (for other tools).", transform: ArgumentCheck.nonEmpty)
    var writeFeatures: String?
    @Option(help: "WARP/BPR epochs (LightFM's `epochs` of fit), 1–10000.", transform: ArgumentCheck.integer(1...10_000)) var epochs = 30
    @Option(help: "WARP/BPR learning rate, as LightFM's `learning_rate`, from 1e-6 to 10.", transform: ArgumentCheck.float(1e-6...10)) var learningRate: Float = 0.05
    @Option(help: "WARP/BPR learning schedule (LightFM's `learning_schedule`): adagrad or adadelta.") var schedule: HybridTraining.Schedule = .adagrad
    @Option(help: "WARP/BPR L2 penalty on user features (LightFM's `user_alpha`), 0–1.", transform: ArgumentCheck.float(0...1)) var userAlpha: Float = 1e-6
    @Option(help: "WARP/BPR L2 penalty on item features (LightFM's `item_alpha`), 0–1.", transform: ArgumentCheck.float(0...1)) var itemAlpha: Float = 1e-6
    @Option(help: "WARP negatives sampled per positive at most (LightFM's `max_sampled`), 1–10000.", transform: ArgumentCheck.integer(1...10_000)) var maxSampled = 10
    @Option(help: "Items with fewer training likes count as cold-ish in the cold metrics, 0–1,000,000.",
            transform: ArgumentCheck.integer(0...1_000_000))
    var coldThreshold = 10
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = 2
    @Option(help: "Write the results as JSON.", transform: ArgumentCheck.nonEmpty) var json: String?
    @Option(help: "Write each test user's precision@10 and NDCG@10 per algorithm as CSV (algorithm,user,precision@10,ndcg@10), to pair with another tool's figures on the same split.",
            transform: ArgumentCheck.nonEmpty)
    var perUser: String?
    @Option(help: "Write precision@10 per iteration (train and test) as an SVG chart.", transform: ArgumentCheck.nonEmpty) var curves: String?
    @Option(name: .customLong("user-lists"),
            help: ArgumentHelp("A recommender built elsewhere, as NAME=FILE: its top-N for test users, user|model|rank a line (.csv: commas), scored on the same split with paired intervals. Repeatable.",
                               discussion: "With --db the users and models are the anonymous ids and model uids `export-split` writes. Lists imported into the catalogue with `import-lists` are scored without this flag."),
            transform: UserListsArgument.init)
    var userLists: [UserListsArgument] = []

    struct UserListsArgument {
        var name: ImportedName
        var file: URL
        init(_ text: String) throws {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { throw ArgumentProblem(description: "give NAME=FILE, as in my-model=top10.psv") }
            (name, file) = (try ArgumentCheck.importedName(parts[0]), URL(fileURLWithPath: parts[1]))
        }
    }
    @Option(help: "Also time top-N similar items for every item from the WRMF factors, 0–1000 (0: skip).",
            transform: ArgumentCheck.integer(0...1000))
    var similarItems = 20

    func validate() throws {
        try input.validate(needsTest: true, catalogue: db)
        try likesModels.validate(regularization: regularization)
        if Set(userLists.map(\.name)).count < userLists.count { throw ValidationError("--user-lists names a recommender twice") }
        if !userLists.isEmpty, !uncertainty.splitSeeds.isEmpty {
            throw ValidationError("--user-lists holds one split's test users: give no --split-seeds")
        }
        if case .named(let list) = algorithmSelection, list.contains(.visual), input.hasFileInput || db == nil {
            throw ValidationError("visual is scored from a catalogue's stored visual lists: give --db PATH without --interactions, --likes or --train")
        }
    }

    func run() throws {
        var settings = HarnessSettings()
        if let factors { settings.factors = factors }
        settings.iterations = iterations
        if let alpha { settings.alpha = alpha }
        settings.conjugateGradientSteps = cgSteps
        settings.scaling = scaling
        settings.neighbours = neighbours
        settings.threads = threads
        settings.seed = input.seed
        settings.epochs = epochs
        settings.learningRate = learningRate
        settings.schedule = schedule
        settings.userAlpha = userAlpha
        settings.itemAlpha = itemAlpha
        settings.maxSampled = maxSampled
        settings.coldThreshold = coldThreshold
        likesModels.apply(to: &settings, regularization: regularization)
        if algorithms.contains(.sparkALS) {
            settings.spark = try spark.job(required: true)
            settings.sparkStaging = spark.staging
        }
        let store = try db.map { try CatalogStore(existingAt: $0) }
        var algorithms = self.algorithms
        // validate() and `all` keep visual to a catalogue without another input.
        if algorithms.contains(.visual), let store {
            settings.visualLists = try store.storedNeighbours(algorithm: Algorithm.visual.rawValue)
            if settings.visualLists?.isEmpty ?? true {
                guard case .all = algorithmSelection else {
                    throw CommandFailure("\(store.path) holds no visual lists: run `recasketch train --algorithms visual --thumbnails DIR` first")
                }
                algorithms.removeAll { $0 == .visual }
            }
        }
        var evaluation = EvaluationRun(
            source: input.hasFileInput ? input.source : .catalog(store!), holdout: input.holdoutSplit, algorithms: algorithms, settings: settings,
            featuresFile: input.featuresURL, writeSplit: writeSplit.map(URL.init(fileURLWithPath:)),
            writeFeatures: writeFeatures.map(URL.init(fileURLWithPath:)), jsonOutput: json.map(URL.init(fileURLWithPath:)),
            curvesOutput: curves.map(URL.init(fileURLWithPath:)), similarItems: similarItems)
        evaluation.record = store
        evaluation.outside = try outsideRecommenders(store: input.hasFileInput ? nil : store)
        evaluation.tuneBudget = tuning.tuneBudget
        evaluation.pinned = likesModels.pinned(wrmfFlags: factors != nil || regularization != nil || alpha != nil)
        evaluation.perUserOutput = perUser.map(URL.init(fileURLWithPath:))
        evaluation.bootstrapResamples = uncertainty.bootstrap
        evaluation.splitSeeds = uncertainty.splitSeeds
        if let store, !input.hasFileInput, input.featuresURL == nil, algorithms.contains(where: \.usesSideFeatures) {
            evaluation.sideFeatureRows = try ItemFeatureSource.load(store)
        }
        try evaluation.run { print($0) }
    }
}

extension EvaluateCommand {
    /// The lists imported into the catalogue (when its likes are evaluated) and the --user-lists files, named as the
    /// split names users and items.
    func outsideRecommenders(store: CatalogStore?) throws -> [OutsideRecommender] {
        var outside: [OutsideRecommender] = []
        if let store {
            for name in try store.trainedAlgorithms() {
                guard case .imported(let imported) = Recommender(name: name) else { continue }
                outside.append(OutsideRecommender(name: imported, output: .itemLists(try store.storedNeighbours(algorithm: name)),
                                                  source: "imported into \(store.path)"))
            }
        }
        // A catalogue's split names users and items by its own ids; a file split by the names in its files.
        let names = try userLists.isEmpty ? nil : store?.catalogNames()
        let users = names?.indicesByUserUID, items = names?.databaseIDsByModelUID
        for argument in userLists {
            guard !outside.contains(where: { $0.name == argument.name }) else {
                throw CommandFailure("--user-lists \(argument.name): the catalogue already holds imported lists of that name")
            }
            let read: (lists: [String: [String]], skippedRows: Int)
            do {
                read = try UserListsFile.read(argument.file, renameUser: { user in users.map { $0[user] } ?? user },
                                              renameItem: { item in items.map { $0[item] } ?? item })
            } catch let problem as UserListsFile.Problem { throw CommandFailure(problem.description) }
            if read.skippedRows > 0 { print("\(argument.file.path): \(read.skippedRows) rows of users or models the catalogue lacks skipped") }
            outside.append(OutsideRecommender(name: argument.name, output: .userLists(read.lists), source: argument.file.lastPathComponent))
        }
        return outside
    }
}

extension ConfidenceScaling: ExpressibleByArgument {}
extension HybridTraining.Schedule: ExpressibleByArgument {}
