import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SparkEngine

extension HarnessSettings {
    /// The WRMF these settings describe.
    public var wrmf: WRMF {
        WRMF(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations,
             conjugateGradientSteps: conjugateGradientSteps, scaling: scaling, seed: seed, threads: threads,
             unobservedWeight: unobservedWeight, regularizationExponent: regularizationExponent,
             initialisation: initialisation, initialDeviation: initialDeviation)
    }

    /// These settings with `wrmf`'s model settings (the inverse of `wrmf`; threads and seed stay).
    public mutating func adopt(_ wrmf: WRMF) {
        (factors, iterations, regularization, alpha, conjugateGradientSteps, scaling) =
            (wrmf.factors, wrmf.iterations, wrmf.regularization, wrmf.alpha, wrmf.conjugateGradientSteps, wrmf.scaling)
        (unobservedWeight, regularizationExponent, initialisation, initialDeviation) =
            (wrmf.unobservedWeight, wrmf.regularizationExponent, wrmf.initialisation, wrmf.initialDeviation)
    }
}

/// Hyperparameters the harness hands to each algorithm. The likes models' defaults are the fixed settings of
/// `--tune-budget 0`, chosen across MovieLens 100k, HetRec Last.fm-2k and the Sketchfab-scale demo together by
/// `scripts/bench/defaults-from-searches.py` on the searches `quality.sh` stores (docs/quality.md, "The fixed
/// defaults"); a search per catalogue starts from them and keeps them among its candidates.
public struct HarnessSettings: Sendable {
    public var factors = 64
    public var iterations = 15
    /// WRMF's λ: implicit's (the same for every row) when `regularizationExponent` is 0; else iALS revisited's,
    /// each row's λ·(its likes + α0·the other side's rows)^ν. 30 with α 5: the last rung's best on all three datasets.
    public var regularization: Float = 30
    /// Spark's ALS λ (ALS-WR: each row's is λ·its likes), its documented default.
    public var sparkRegularization: Float = 0.1
    public var alpha: Float = 5
    public var conjugateGradientSteps = 3
    public var scaling = ConfidenceScaling.linear
    public var neighbours = 100
    public var epochs = 30
    public var learningRate: Float = 0.05
    /// WRMF: α0, ν (0: implicit's form), and the initialisation (see `WRMF`).
    public var unobservedWeight: Float = 1
    public var regularizationExponent: Float = 0
    public var initialisation = WRMF.Initialisation.normal
    public var initialDeviation: Float = 0.1
    /// EASE's λ and EDLAE's dropout p (0 would be EASE): 30 and 0.5, the best geometric mean of relative validation
    /// precision over the seven searches; and the most-liked items its closed form covers.
    public var easeRegularization: Float = 30
    public var easeDropout: Float = 0.5
    /// ease-tags' own λ when its search moved it from EASE's (the stacked rows change the Gram's scale); nil: EASE's.
    public var easeTagsRegularization: Float?
    /// Whether ease-tags with these settings is EASE itself: no features, or tags kept out at EASE's λ.
    public func easeTagsAreEASE(features: Int) -> Bool {
        (features == 0 || easeSideWeight == 0) && easeLambda(tags: true) == easeRegularization
    }

    /// The λ ease (false) or ease-tags (true) is fitted with.
    public func easeLambda(tags: Bool) -> Float { tags ? easeTagsRegularization ?? easeRegularization : easeRegularization }
    /// ease-tags' weight of a feature row against a user's: 1, likewise (0.3 a close second).
    public var easeSideWeight: Float = 1
    /// rp3beta-tags' weight of a step through a feature against one through a liker: 0.1, likewise.
    public var rp3SideWeight: Float = 0.1
    /// The blend's weight on EASE's standardised scores (WRMF's is 1 minus it): 0.5, likewise.
    public var blendWeight: Float = 0.5
    public var easeMaxItems = EASE().maxItems
    /// The visual carousel's stored lists (`evaluate --db` on a catalogue trained with visual), by item id: visual
    /// learns nothing from likes, so the lists the site serves are scored as they are.
    public var visualLists: [String: [(item: String, score: Float)]]?
    /// RP3beta's exponents: α 0.5, β 0.45, likewise.
    public var rp3Alpha: Float = 0.5
    public var rp3Beta: Float = 0.45
    public var userAlpha: Float = 1e-6
    public var itemAlpha: Float = 1e-6
    public var maxSampled = 10
    public var schedule = HybridTraining.Schedule.adagrad
    /// Items with fewer training likes than this count as cold-ish in the separate cold metrics.
    public var coldThreshold = 10
    public var threads = 2
    public var seed: UInt64 = 42
    /// Record a metric per iteration (train and test) for iterative algorithms.
    public var learningCurves = false
    /// How `spark-als` reaches Spark (spark-submit and the master URL); its model settings are the ones above.
    public var spark: SparkALS?
    public var sparkStaging: URL?
    public init() {}

    /// What a stored run shows of its settings.
    public func summary(holdout: HoldoutSplit) -> [String: String] {
        ["factors": String(factors), "iterations": String(iterations), "regularization": String(regularization),
         "alpha": String(alpha), "epochs": String(epochs), "learning_rate": String(learningRate), "seed": String(seed),
         "holdout_per_user": String(holdout.holdout), "test_user_fraction": String(holdout.fraction),
         "min_user_likes": String(holdout.threshold.minimumUserInteractions),
         "min_item_likes": String(holdout.threshold.minimumItemInteractions)]
    }
}

public struct LearningCurvePoint: Sendable, Equatable {
    public var iteration: Int
    public var train: Double
    public var test: Double
}

public struct AlgorithmReport: Sendable {
    /// A built-in algorithm, or a recommender built elsewhere scored on the same split.
    public var recommender: Recommender
    public var algorithm: Algorithm? { recommender.builtIn }
    public var name: String { recommender.name }
    public var parameters: [String: String]
    public var fitSeconds: Double
    public var metrics: MetricSet
    /// precision@10 per iteration, on the test users' training items (train) and held-out items (test).
    public var curve: [LearningCurvePoint]
    /// The item factors of a factorisation model (WRMF), for item-to-item similarity.
    public var itemFactors: FactorMatrix? = nil
    /// An item-to-item algorithm scored by its lists, the way the carousel uses them (`metrics` scores the model
    /// itself, every weight of every row, as its peers are scored).
    public var listMetrics: MetricSet? = nil

    /// What choosing a carousel goes by: the list rule where the page shows lists, else the model's own score.
    public var carouselMetrics: MetricSet { listMetrics ?? metrics }

    public init(algorithm: Algorithm, parameters: [String: String], fitSeconds: Double, metrics: MetricSet,
                curve: [LearningCurvePoint], itemFactors: FactorMatrix? = nil, listMetrics: MetricSet? = nil) {
        self.init(recommender: .known(algorithm), parameters: parameters, fitSeconds: fitSeconds, metrics: metrics, curve: curve,
                  itemFactors: itemFactors, listMetrics: listMetrics)
    }

    public init(recommender: Recommender, parameters: [String: String], fitSeconds: Double, metrics: MetricSet,
                curve: [LearningCurvePoint], itemFactors: FactorMatrix? = nil, listMetrics: MetricSet? = nil) {
        self.recommender = recommender
        self.parameters = parameters
        self.fitSeconds = fitSeconds
        self.metrics = metrics
        self.curve = curve
        self.itemFactors = itemFactors
        self.listMetrics = listMetrics
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
}

/// Fits each algorithm on the training split and scores it on the test split, all on the same indexing.
public struct EvaluationHarness: Sendable {
    public var settings: HarnessSettings
    public init(settings: HarnessSettings) { self.settings = settings }

    /// Indexes train and test on the union of their ids (sorted), as `peers.py` does.
    public static func index(train: HoldoutSplit.Triples, test: HoldoutSplit.Triples) -> (train: InteractionData, test: InteractionData) {
        let users = Array(Set(train.map(\.user)).union(test.map(\.user)))
        let items = Array(Set(train.map(\.item)).union(test.map(\.item)))
        let trainData = InteractionData(triples: train, userUniverse: users, itemUniverse: items)
        let testData = InteractionData(triples: test.map { ($0.user, $0.item, Float(1)) }, userUniverse: users, itemUniverse: items)
        return (trainData, testData)
    }

    /// `sideFeatures` are (item index, feature name, weight), needed by the `-tags` algorithms.
    public func run(_ algorithms: [Algorithm], train: InteractionMatrix, test: InteractionMatrix,
                    sideFeatures: [(item: Int, feature: String, weight: Float)] = [], itemIDs: [String] = [],
                    userIDs: [String] = [], outside: [OutsideRecommender] = [], scoringListsToo: Bool = true,
                    progress: (String) -> Void = { _ in }) throws -> [AlgorithmReport] {
        var reports = try runKeeping(algorithms, train: train, test: test, sideFeatures: sideFeatures, itemIDs: itemIDs,
                                     scoringListsToo: scoringListsToo, progress: progress).reports
        // Recommenders built elsewhere name users and items: they are scored on the split the names index, never on a
        // search's restricted or validation copy of it.
        guard outside.isEmpty || (itemIDs.count == train.itemCount && userIDs.count == train.userCount) else {
            throw HarnessError(description: "lists built elsewhere need the split's item and user names")
        }
        let evaluator = RankingEvaluator(threads: settings.threads, coldThreshold: settings.coldThreshold)
        for outside in outside {
            let (scorer, parameters) = outside.scorer(train: train, itemIDs: itemIDs, userIDs: userIDs)
            let metrics = evaluator.evaluate(scorer, train: train, test: test)
            progress(String(format: "%@: brought in, precision@10 %.4f", outside.name.rawValue, metrics["precision@10"]))
            reports.append(AlgorithmReport(recommender: .imported(outside.name), parameters: parameters, fitSeconds: 0,
                                           metrics: metrics, curve: []))
        }
        return reports
    }

    /// `run`, also handing back the scorers of `keep`'s algorithms (a blend's parts); the others are released as
    /// soon as they are scored.
    public func runKeeping(_ algorithms: [Algorithm], train: InteractionMatrix, test: InteractionMatrix,
                           sideFeatures: [(item: Int, feature: String, weight: Float)] = [], itemIDs: [String] = [],
                           scoringListsToo: Bool = true, keep: Set<Algorithm> = [],
                           progress: (String) -> Void = { _ in }) throws -> (reports: [AlgorithmReport], scorers: [Algorithm: ItemScorer]) {
        if algorithms.contains(where: \.usesSideFeatures) && sideFeatures.isEmpty {
            throw HarnessError(description: "the -tags algorithms need item features (--features FILE)")
        }
        let evaluator = RankingEvaluator(threads: settings.threads, coldThreshold: settings.coldThreshold)
        let clock = ContinuousClock()
        var reports: [AlgorithmReport] = []
        var kept: [Algorithm: ItemScorer] = [:]
        var sameModel: [Algorithm: (scorer: ItemScorer, listScorer: ItemScorer?, parameters: [String: String])] = [:]
        // A blend's parts stay until the blend is scored.
        let keep = keep.union(algorithms.contains(.blend) ? BlendScorer.parts : [])
        for algorithm in algorithms {
            let name = algorithm.rawValue
            let start = clock.now
            let scorer: ItemScorer
            var listScorer: ItemScorer?
            var parameters: [String: String] = [:]
            var curve: [LearningCurvePoint] = []
            var fitSeconds = 0.0
            var itemFactors: FactorMatrix?
            switch algorithm {
            case .visual:
                guard let stored = settings.visualLists, !itemIDs.isEmpty else {
                    throw HarnessError(description: "visual is scored from a catalogue's stored visual lists: evaluate --db PATH (without another input) on a catalogue trained with visual")
                }
                let lists = OutsideRecommender.neighbours(stored, itemIDs: itemIDs)
                scorer = ItemKNNScorer(train, neighbours: lists)
                parameters = ["lists": "as served (\(lists.filter { !$0.isEmpty }.count) models with a list)"]
            case .popularity:
                scorer = PopularityScorer(train)
                fitSeconds = (clock.now - start).inSeconds
            case .itemKNN:
                let knn = ItemKNN(neighbours: settings.neighbours, threads: settings.threads)
                let lists = knn.similarItems(train)
                fitSeconds = (clock.now - start).inSeconds
                scorer = WalkScorer(ItemWalk.cosine(train))
                listScorer = ItemKNNScorer(train, neighbours: lists)
                parameters = ["neighbours": String(settings.neighbours), "similarity": "cosine"]
            case .easeTags where settings.easeTagsAreEASE(features: sideFeatures.count) && sameModel[.ease] != nil:
                // Tags kept out (weight 0, EASE's λ): ease-tags is EASE itself; the fit is not done twice.
                let twin = sameModel[.ease]!
                (scorer, listScorer) = (twin.scorer, twin.listScorer)
                parameters = twin.parameters
                parameters["same_model_as"] = "ease (tags kept out)"
            case .ease, .easeTags:
                let side = algorithm == .easeTags
                    ? SideInformation(itemCount: train.itemCount, assignments: sideFeatures, weight: settings.easeSideWeight) : nil
                let ease = EASE(regularization: settings.easeLambda(tags: algorithm == .easeTags), dropout: settings.easeDropout, side: side,
                                maxItems: settings.easeMaxItems, neighbours: settings.neighbours, threads: settings.threads)
                let fitted: EASE.Fitted
                do { fitted = try ease.fit(train, keepingWeights: true, progress: progress) } catch {
                    throw HarnessError(description: "\(error)")
                }
                fitSeconds = (clock.now - start).inSeconds
                scorer = EASEScorer(train, weights: fitted.weights!, lists: fitted.lists)
                listScorer = ItemKNNScorer(train, neighbours: fitted.lists)
                parameters = ease.parameters
                parameters["fitted_items"] = String(fitted.fittedItems.count)
                parameters["inverse_seconds"] = String(format: "%.2f", fitted.inverseSeconds)
            case .rp3beta, .rp3betaTags:
                let side = algorithm == .rp3betaTags
                    ? SideInformation(itemCount: train.itemCount, assignments: sideFeatures, weight: settings.rp3SideWeight) : nil
                let walk = RP3beta(alpha: settings.rp3Alpha, beta: settings.rp3Beta, neighbours: settings.neighbours,
                                   threads: settings.threads, side: side)
                let graph = walk.walk(train)
                let lists = graph.lists(neighbours: settings.neighbours, threads: settings.threads)
                fitSeconds = (clock.now - start).inSeconds
                scorer = WalkScorer(graph)
                listScorer = ItemKNNScorer(train, neighbours: lists)
                parameters = walk.parameters
            case .blend:
                // EASE (with the tags when a search kept them) and WRMF, reused from this run or fitted now.
                let easePart: Algorithm = !sideFeatures.isEmpty && settings.easeSideWeight > 0 ? .easeTags : .ease
                var parts = kept
                let missing = [easePart, .wrmf].filter { parts[$0] == nil }
                if !missing.isEmpty {
                    var quiet = settings
                    quiet.learningCurves = false
                    let fitted = try EvaluationHarness(settings: quiet).runKeeping(
                        missing, train: train, test: test, sideFeatures: sideFeatures, scoringListsToo: false, keep: Set(missing))
                    parts.merge(fitted.scorers) { old, _ in old }
                }
                fitSeconds = (clock.now - start).inSeconds
                scorer = BlendScorer(parts[easePart]!, parts[.wrmf]!, weight: settings.blendWeight, itemCount: train.itemCount)
                parameters = ["parts": "\(easePart.rawValue), wrmf", "ease_weight": String(settings.blendWeight),
                              "normalisation": "each part's scores standardised per user"]
            case .warp, .warpTags, .bpr, .bprTags:
                let training = HybridTraining(
                    loss: algorithm.rankingLoss ?? .warp, factors: settings.factors,
                    learningRate: settings.learningRate, schedule: settings.schedule, userAlpha: settings.userAlpha,
                    itemAlpha: settings.itemAlpha, epochs: settings.epochs, maxSampled: settings.maxSampled,
                    seed: settings.seed, threads: settings.threads)
                let features = ItemFeatures(itemCount: train.itemCount, identity: true,
                                            assignments: algorithm.usesSideFeatures ? sideFeatures : [])
                var pausedSeconds = 0.0
                let model = training.fit(train, items: features) { epoch, model in
                    guard settings.learningCurves else { return true }
                    let pause = clock.now
                    let testMetric = evaluator.evaluate(HybridScorer(model), train: train, test: test)["precision@10"]
                    let trainMetric = evaluator.evaluateOnTraining(HybridScorer(model), train: train, users: test)
                    curve.append(LearningCurvePoint(iteration: epoch, train: trainMetric, test: testMetric))
                    progress(String(format: "  %@ epoch %d: precision@10 train %.4f test %.4f", name, epoch, trainMetric, testMetric))
                    pausedSeconds += (clock.now - pause).inSeconds
                    return true
                }
                fitSeconds = (clock.now - start).inSeconds - pausedSeconds
                scorer = HybridScorer(model)
                parameters = training.parameters
                parameters["features"] = algorithm.usesSideFeatures ? "identity+\(features.sideFeatureNames.count) side features" : "identity"
            case .sparkALS:
                guard var spark = settings.spark else {
                    throw HarnessError(description: "spark-als needs Spark: give --spark-submit PATH (or set SPARK_SUBMIT or SPARK_HOME, or put spark-submit on the PATH)")
                }
                (spark.factors, spark.iterations, spark.regularization, spark.alpha, spark.seed) =
                    (settings.factors, settings.iterations, settings.sparkRegularization, settings.alpha, settings.seed)
                let model: WRMFModel
                do {
                    model = try spark.fit(train, staging: settings.sparkStaging ?? FileManager.default.temporaryDirectory
                        .appendingPathComponent("recasketch-spark-evaluate"), progress: progress)
                } catch let error as SparkError {
                    throw HarnessError(description: error.description)
                }
                fitSeconds = (clock.now - start).inSeconds
                scorer = WRMFScorer(model)
                itemFactors = model.itemFactors
                parameters = spark.parameters
            case .wrmf:
                let wrmf = settings.wrmf
                var pausedSeconds = 0.0
                let model = wrmf.fit(train) { iteration, model in
                    guard settings.learningCurves else { return }
                    let pause = clock.now
                    let testMetric = evaluator.evaluate(WRMFScorer(model), train: train, test: test)["precision@10"]
                    let trainMetric = evaluator.evaluateOnTraining(WRMFScorer(model), train: train, users: test)
                    curve.append(LearningCurvePoint(iteration: iteration, train: trainMetric, test: testMetric))
                    progress(String(format: "  wrmf iteration %d: precision@10 train %.4f test %.4f", iteration, trainMetric, testMetric))
                    pausedSeconds += (clock.now - pause).inSeconds
                }
                fitSeconds = (clock.now - start).inSeconds - pausedSeconds
                scorer = WRMFScorer(model)
                itemFactors = model.itemFactors
                parameters = wrmf.parameters
            }
            let metrics = evaluator.evaluate(scorer, train: train, test: test)
            let listMetrics = listScorer.flatMap { scoringListsToo ? $0 : nil }.map { evaluator.evaluate($0, train: train, test: test) }
            progress(String(format: "%@: fit %.2f s, precision@10 %.4f", name, fitSeconds, metrics["precision@10"])
                     + (listMetrics.map { String(format: " (%.4f by its lists, as the page shows)", $0["precision@10"]) } ?? ""))
            reports.append(AlgorithmReport(algorithm: algorithm, parameters: parameters, fitSeconds: fitSeconds, metrics: metrics, curve: curve,
                                           itemFactors: itemFactors, listMetrics: listMetrics))
            if keep.contains(algorithm) { kept[algorithm] = scorer }
            if algorithm == .ease, algorithms.contains(.easeTags), settings.easeTagsAreEASE(features: sideFeatures.count) {
                sameModel[.ease] = (scorer, listScorer, parameters)
            }
        }
        return (reports, kept)
    }
}

extension RankingEvaluator {
    /// precision@10 of ranking the training items themselves (nothing excluded), for the users with test items:
    /// how well the model fits what it was trained on.
    public func evaluateOnTraining(_ scorer: ItemScorer, train: InteractionMatrix, users: InteractionMatrix) -> Double {
        let empty = InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount, pairs: [])
        let asTest = InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount,
                                       pairs: (0..<users.userCount).filter { users.userDegree($0) > 0 }.flatMap { user in
                                           train.items(ofUser: user).map { (user: Int32(user), item: $0) }
                                       })
        return evaluate(scorer, train: empty, test: asTest)["precision@10"]
    }
}

