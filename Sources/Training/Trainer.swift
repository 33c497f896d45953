import AlgorithmIdentity
import CatalogStore
import ElapsedTime
import Evaluation
import Foundation
import Recommenders
import SparkEngine
import VisualFeatures

public struct TrainingOptions: Sendable {
    public var algorithms: [Algorithm]
    public var neighbours: Int
    public var threads: Int
    /// Hyperparameters of the `wrmf` algorithm (its thread count follows `threads`).
    public var wrmf: WRMF
    /// Hyperparameters of the `warp-tags` algorithm (loss forced to WARP; threads follow `threads`).
    public var hybrid: HybridTraining
    /// Models listed per tag or category, and tags suggested per model, by `warp-tags`.
    public var featureNeighbours: Int
    /// Folder of local thumbnails for `visual` (the demo catalogue's `thumbnails/`).
    public var thumbnailsDirectory: URL?
    /// Image descriptor for `visual`: the CNN when weights are installed, else the classical one.
    public var visualDescriptor: VisualDescriptor
    /// Reduce visual features to this many principal components before ranking (nil keeps them whole).
    public var visualPrincipalComponents: Int?
    /// Fit the `wrmf` carousel's factors with Spark MLlib instead of in Swift (same settings); nil: Swift.
    public var spark: SparkALS?
    /// Where the Spark job's input, output and log go.
    public var sparkStaging: URL?
    /// Which algorithm fills "Users who liked this also liked".
    public var likesCarousel: LikesCarousel = .algorithm(.wrmf)
    /// Which algorithm fills "Likes + tags" (warp-tags, ease-tags, rp3beta-tags).
    public var tagsCarousel: LikesCarousel = .algorithm(.warpTags)
    /// EASE's λ and size, RP3beta's exponents, and the settings the likes carousel's choice scores candidates with.
    public var selection = HarnessSettings()
    /// How long choosing WRMF's, EASE's and RP3beta's settings on a validation split of the likes may take.
    public var tuneBudget: TuneBudget = .off
    /// Algorithms whose settings were given by hand: not searched.
    public var pinned: Set<Algorithm> = []
    /// How the factor models' and the visual carousel's all-items top-N is computed (exact, approximate, or by size).
    public var neighbourSearch: NeighbourSearchMethod = .automatic

    /// The all-items search these options ask for.
    var similarItemsSearch: SimilarItemsSearch {
        SimilarItemsSearch(method: neighbourSearch, neighbours: neighbours, threads: threads, seed: wrmf.seed)
    }

    public enum LikesCarousel: Sendable, Equatable {
        case algorithm(Algorithm)
        /// The best of `LikesCarouselSelection.candidates` among the trained algorithms, on a validation split.
        case chosenOnValidation
    }

    /// `algorithms` defaults to every trainable one, less `visual` when there is no thumbnails folder.
    public init(algorithms: [Algorithm]? = nil, neighbours: Int = 12, threads: Int = 2,
                wrmf: WRMF = WRMF(), hybrid: HybridTraining = HybridTraining(), featureNeighbours: Int = 24,
                thumbnailsDirectory: URL? = nil, visualDescriptor: VisualDescriptor = .classical,
                visualPrincipalComponents: Int? = nil) {
        self.algorithms = algorithms ?? Algorithm.trainable.filter { $0 != .visual || thumbnailsDirectory != nil }
        self.neighbours = neighbours
        self.threads = threads
        self.wrmf = wrmf
        self.hybrid = hybrid
        self.featureNeighbours = featureNeighbours
        self.thumbnailsDirectory = thumbnailsDirectory
        self.visualDescriptor = visualDescriptor
        self.visualPrincipalComponents = visualPrincipalComponents
    }
}

public struct TrainingError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

public struct TrainedAlgorithm: Sendable {
    public var algorithm: Algorithm
    public var trainSeconds: Double
    public var saveSeconds: Double
    public var modelsWithRecommendations: Int
}

/// The `train` stage: reads likes from the store, runs each algorithm, and replaces its stored recommendations.
public enum Trainer {
    public static func run(_ options: TrainingOptions, store: CatalogStore,
                           progress: (String) -> Void = { _ in }) throws -> [TrainedAlgorithm] {
        guard options.neighbours > 0 else { throw TrainingError(description: "--neighbours must be at least 1") }
        let clock = ContinuousClock()
        let snapshot = try store.trainingLikes()
        guard !snapshot.modelIDs.isEmpty else {
            throw TrainingError(description: "the catalogue has no models: run `recasketch import` first")
        }
        let matrix = InteractionMatrix(userCount: snapshot.userCount, itemCount: snapshot.modelIDs.count,
                                       pairs: snapshot.pairs)
        progress("loaded \(matrix.interactionCount) likes by \(matrix.userCount) users on \(matrix.itemCount) models")
        var results: [TrainedAlgorithm] = []
        var options = options
        var searches: [SettingsSearchOutcome] = []
        // Tags and categories by model index, for the tag-aware closed forms and walks (read once, when needed).
        let tagAssignments: [(item: Int, feature: String, weight: Float)] = try {
            guard options.algorithms.contains(where: { $0 == .easeTags || $0 == .rp3betaTags }) else { return [] }
            let itemIndex = Dictionary(uniqueKeysWithValues: snapshot.modelIDs.enumerated().map { ($1, $0) })
            return try store.featureAssignments().compactMap { entry in
                itemIndex[entry.modelID].map { (item: $0, feature: entry.feature.name, weight: Float(1)) }
            }
        }()
        if options.tuneBudget != .off {
            var base = options.selection
            base.adopt(options.wrmf)
            (base.threads, base.seed) = (options.threads, options.wrmf.seed)
            var selection = SettingsSelection(budget: options.tuneBudget, base: base)
            selection.pinned = options.pinned
            let tuningStart = clock.now
            let chosen: HarnessSettings
            do {
                (chosen, searches) = try selection.choose(options.algorithms, train: matrix, sideFeatures: tagAssignments,
                                                          progress: progress)
            } catch {
                throw TrainingError(description: "choosing settings on a validation split: \(error)")
            }
            options.selection = chosen
            if searches.contains(where: { $0.algorithm == .wrmf }) { options.wrmf = chosen.wrmf }
            progress(String(format: "settings chosen in %.1f s", (clock.now - tuningStart).inSeconds))
        }
        // Which algorithm fills each leading carousel chosen by evidence, and the evidence.
        var leaders: [CarouselSlot: (algorithm: Algorithm, choice: LikesCarouselChoice?)] = [:]
        for slot in CarouselSlot.allCases {
            switch slot == .likes ? options.likesCarousel : options.tagsCarousel {
            case .algorithm(let algorithm):
                leaders[slot] = (algorithm, nil)
            case .chosenOnValidation:
                var settings = options.selection
                settings.adopt(options.wrmf)
                settings.threads = options.threads
                if slot == .likesAndTags {
                    // warp-tags compared with the very settings it is trained with.
                    let hybrid = options.hybrid
                    (settings.factors, settings.epochs, settings.learningRate, settings.schedule) =
                        (hybrid.factors, hybrid.epochs, hybrid.learningRate, hybrid.schedule)
                    (settings.userAlpha, settings.itemAlpha, settings.maxSampled) = (hybrid.userAlpha, hybrid.itemAlpha, hybrid.maxSampled)
                }
                // A tag-aware model whose search kept the tags out is its tag-free twin: it cannot stand for "Likes +
                // tags" (the page would show the same list twice).
                var among = options.algorithms
                if slot == .likesAndTags {
                    if options.selection.easeTagsAreEASE(features: tagAssignments.count) { among.removeAll { $0 == .easeTags } }
                    if options.selection.rp3SideWeight == 0 || tagAssignments.isEmpty { among.removeAll { $0 == .rp3betaTags } }
                }
                // Nothing to choose between: the title holder keeps its place, with no claim of a choice.
                guard slot.candidates.filter(among.contains).count > 1 else { continue }
                do {
                    let chosen = try LikesCarouselSelection.choose(store: store, slot: slot, among: among,
                                                                   settings: settings, progress: progress)
                    leaders[slot] = (chosen.winner, chosen)
                } catch {
                    let fallback = options.algorithms.contains(slot.titleHolder) ? slot.titleHolder
                        : slot.candidates.first(where: options.algorithms.contains) ?? slot.titleHolder
                    progress("\(slot == .likes ? "likes" : "likes + tags") carousel: \(fallback.rawValue), since none could be chosen on a validation split (\(error))")
                    leaders[slot] = (fallback, nil)
                }
            }
        }
        // EASE's lists, kept while ease-tags (or EASE) may be the same model (tags kept out): fitted once.
        var sameLists: [Algorithm: [[Neighbour]]] = [:]
        for algorithm in options.algorithms {
            let start = clock.now
            let lists: [[Neighbour]]
            var foldIn: (factors: FactorMatrix, settings: WRMF)?
            var hybridVectors: HybridVectors?
            var parameters = ["neighbours": String(options.neighbours)]
            switch algorithm {
            case .ease where options.selection.easeTagsAreEASE(features: tagAssignments.count) && sameLists[.easeTags] != nil:
                lists = sameLists[.easeTags]!
                parameters["same_model_as"] = "ease-tags (tags kept out)"
            case .ease:
                let ease = EASE(regularization: options.selection.easeRegularization, dropout: options.selection.easeDropout,
                                maxItems: options.selection.easeMaxItems, neighbours: options.neighbours, threads: options.threads)
                do { lists = try ease.fit(matrix, progress: progress).lists } catch {
                    throw TrainingError(description: "\(error)")
                }
                parameters.merge(ease.parameters) { _, new in new }
            case .rp3beta:
                let walk = RP3beta(alpha: options.selection.rp3Alpha, beta: options.selection.rp3Beta,
                                   neighbours: options.neighbours, threads: options.threads)
                lists = walk.similarItems(matrix)
                parameters.merge(walk.parameters) { _, new in new }
            case .easeTags where options.selection.easeTagsAreEASE(features: tagAssignments.count) && sameLists[.ease] != nil:
                lists = sameLists[.ease]!
                parameters["same_model_as"] = "ease (tags kept out)"
            case .easeTags:
                let side = SideInformation(itemCount: matrix.itemCount, assignments: tagAssignments,
                                           weight: options.selection.easeSideWeight)
                let ease = EASE(regularization: options.selection.easeLambda(tags: true), dropout: options.selection.easeDropout,
                                side: side, maxItems: options.selection.easeMaxItems, neighbours: options.neighbours,
                                threads: options.threads)
                do { lists = try ease.fit(matrix, progress: progress).lists } catch {
                    throw TrainingError(description: "\(error)")
                }
                parameters.merge(ease.parameters) { _, new in new }
            case .rp3betaTags:
                let side = SideInformation(itemCount: matrix.itemCount, assignments: tagAssignments,
                                           weight: options.selection.rp3SideWeight)
                let walk = RP3beta(alpha: options.selection.rp3Alpha, beta: options.selection.rp3Beta,
                                   neighbours: options.neighbours, threads: options.threads, side: side)
                lists = walk.similarItems(matrix)
                parameters.merge(walk.parameters) { _, new in new }
            case .warp, .bpr, .bprTags, .sparkALS, .blend:
                throw TrainingError(description: "\(algorithm.rawValue) is compared by `evaluate`, not trained for the site")
            case .itemKNN:
                lists = ItemKNN(neighbours: options.neighbours, threads: options.threads).similarItems(matrix)
                parameters["similarity"] = "cosine"
                parameters["threads"] = String(options.threads)
            case .popularity:
                lists = Popularity(neighbours: options.neighbours).similarItems(matrix)
            case .visual:
                guard let folder = options.thumbnailsDirectory else {
                    throw TrainingError(description: "visual needs --thumbnails DIR (the folder of {mid}.jpg thumbnails)")
                }
                let visual = try VisualTraining(thumbnailsDirectory: folder, descriptor: options.visualDescriptor,
                                                principalComponents: options.visualPrincipalComponents,
                                                search: options.similarItemsSearch).run(snapshot: snapshot, store: store, progress: progress)
                lists = visual.lists
                parameters.merge(visual.parameters) { _, new in new }
            case .wrmf:
                var wrmf = options.wrmf
                wrmf.threads = options.threads
                let model: WRMFModel
                if var spark = options.spark {
                    (spark.factors, spark.iterations, spark.regularization, spark.alpha, spark.seed) =
                        (wrmf.factors, wrmf.iterations, options.selection.sparkRegularization, wrmf.alpha, wrmf.seed)
                    let staging = options.sparkStaging ?? FileManager.default.temporaryDirectory.appendingPathComponent("recasketch-spark")
                    do { model = try spark.fit(matrix, staging: staging, progress: progress) } catch let error as SparkError {
                        throw TrainingError(description: error.description)
                    }
                    parameters.merge(spark.parameters) { _, new in new }
                } else {
                    model = withoutActuallyEscaping(progress) { progress in
                        var meter = ProgressMeter("wrmf", unit: "iterations", total: wrmf.iterations, checkEvery: 1, report: progress)
                        return wrmf.fit(matrix, afterIteration: { iteration, _ in meter.update(iteration) })
                    }
                }
                let fitted = clock.now
                progress(String(format: "wrmf: factorised in %.2f s", (fitted - start).inSeconds))
                // A model nobody liked has no factors to compare: it gets no list and is nobody's neighbour.
                let liked = (0..<matrix.itemCount).map { matrix.itemDegree($0) > 0 }
                let similar = options.similarItemsSearch.similarItems(model.itemFactors, eligible: liked, progress: progress)
                lists = similar.lists
                parameters["top_n"] = similar.summary(neighbours: options.neighbours)
                progress(String(format: "wrmf: top-%d similar models for all %d in %.2f s, %@", options.neighbours, matrix.itemCount,
                                (clock.now - fitted).inSeconds, similar.summary(neighbours: options.neighbours)))
                parameters.merge(wrmf.parameters) { old, _ in old }
                foldIn = (model.itemFactors, wrmf)
            case .warpTags:
                var training = options.hybrid
                training.loss = .warp
                training.threads = options.threads
                let trained = try trainLikesAndTags(training, matrix: matrix, snapshot: snapshot, store: store,
                                                    options: options, progress: progress)
                lists = trained.lists
                hybridVectors = trained.vectors
                parameters["top_n"] = trained.topN
                parameters.merge(training.parameters) { _, new in new }
            }
            if algorithm == .ease || algorithm == .easeTags, options.algorithms.contains(.ease), options.algorithms.contains(.easeTags),
               options.selection.easeTagsAreEASE(features: tagAssignments.count) {
                sameLists[algorithm] = lists
            }
            let trainSeconds = (clock.now - start).inSeconds
            let saveStart = clock.now
            // A chosen leader takes its slot's title and place (WRMF's, warp-tags'); the title holder, when another
            // won its slot, joins the baselines.
            var (title, description, displayOrder) = (algorithm.title, algorithm.description, algorithm.displayOrder)
            for slot in CarouselSlot.allCases {
                guard let leader = leaders[slot] else { continue }
                if algorithm == leader.algorithm, algorithm != slot.titleHolder {
                    (title, displayOrder) = (slot.titleHolder.title, slot.titleHolder.displayOrder)
                } else if algorithm == slot.titleHolder, leader.algorithm != algorithm, options.algorithms.contains(leader.algorithm) {
                    (title, displayOrder) = slot == .likes ? ("Likes (WRMF)", Algorithm.wrmfAsBaselineOrder)
                                                           : ("Likes + tags (WARP)", Algorithm.warpTagsAsBaselineOrder)
                }
                if algorithm == leader.algorithm, let choice = leader.choice {
                    description += " " + choice.sentence
                    parameters["chosen_by"] = choice.label
                }
            }
            if let search = searches.first(where: { $0.algorithm == algorithm }) {
                parameters["settings_search"] = search.summary
            }
            let run = AlgorithmRun(algorithm: algorithm.rawValue, title: title, description: description,
                                   displayOrder: displayOrder, parameters: parameters,
                                   trainedAt: Date(), trainSeconds: trainSeconds)
            var reasons: [[LikeOverlap]]?
            if algorithm.explainsWithLikes {
                let reasonStart = clock.now
                reasons = LikeOverlaps.reasons(matrix, lists: lists, threads: options.threads).map {
                    $0.map { LikeOverlap(coLikers: $0.coLikers, connecting: $0.connecting) }
                }
                progress(String(format: "%@: users who liked both, and the models connecting them, in %.2f s",
                                algorithm.rawValue, (clock.now - reasonStart).inSeconds))
            }
            try store.saveRecommendations(run, modelIDs: snapshot.modelIDs,
                                          neighbours: lists.map { $0.map { ($0.item, $0.score) } }, reasons: reasons)
            if let hybridVectors { try store.saveHybridVectors(algorithm: algorithm.rawValue, hybridVectors) }
            if let foldIn {
                // Rows of models nobody liked stay zero: the server knows them as models it cannot fold in.
                var vectors = [Float](repeating: 0, count: matrix.itemCount * foldIn.factors.columns)
                for item in 0..<matrix.itemCount where matrix.itemDegree(item) > 0 {
                    let row = foldIn.factors.row(item)
                    for column in 0..<foldIn.factors.columns { vectors[item * foldIn.factors.columns + column] = row[column] }
                }
                // The server solves (YᵀY + λ'I + Σ α'yyᵀ) x = Σ (1 + α') y. Training's user step divided by α0 is exactly
                // that with α' = α/α0 and λ' = λ_u/α0; λ_u depends on the visitor's count, taken as 5 likes.
                let settings = foldIn.settings
                let base = max(settings.unobservedWeight, 1e-6)
                try store.saveFoldInFactors(algorithm: algorithm.rawValue, modelIDs: snapshot.modelIDs,
                                            factors: foldIn.factors.columns,
                                            regularization: settings.rowRegularization(count: 5, otherSide: matrix.itemCount) / base,
                                            alpha: settings.alpha / base, vectors: vectors)
            }
            let trained = TrainedAlgorithm(algorithm: algorithm, trainSeconds: trainSeconds,
                                           saveSeconds: (clock.now - saveStart).inSeconds,
                                           modelsWithRecommendations: lists.filter { !$0.isEmpty }.count)
            progress(String(format: "%@: trained in %.2f s, stored in %.2f s, %d models have recommendations",
                            algorithm.rawValue, trained.trainSeconds, trained.saveSeconds, trained.modelsWithRecommendations))
            results.append(trained)
        }
        // Each algorithm's lists were replaced in one transaction of their own; running servers switch to the new
        // lists only now, when all of them are stored.
        try store.publish()
        return results
    }
}

/// Trains the likes + tags model, stores what it learnt about each tag and category, and returns the
/// item-to-item lists (cosine of item representations).
func trainLikesAndTags(_ training: HybridTraining, matrix: InteractionMatrix, snapshot: TrainingLikes,
                       store: CatalogStore, options: TrainingOptions,
                       progress: (String) -> Void) throws -> (lists: [[Neighbour]], vectors: HybridVectors, topN: String) {
    let clock = ContinuousClock()
    let start = clock.now
    let itemIndex = Dictionary(uniqueKeysWithValues: snapshot.modelIDs.enumerated().map { ($1, $0) })
    let assignments = try store.featureAssignments().compactMap { entry in
        itemIndex[entry.modelID].map { (item: $0, feature: entry.feature.name, weight: Float(1)) }
    }
    let features = ItemFeatures(itemCount: matrix.itemCount, identity: true, assignments: assignments)
    let model = withoutActuallyEscaping(progress) { progress in
        var meter = ProgressMeter("warp-tags", unit: "epochs", total: training.epochs, checkEvery: 1, report: progress)
        return training.fit(matrix, items: features, afterEpoch: { epoch, _ in meter.update(epoch); return true })
    }
    let (representations, _) = model.itemRepresentations()
    let fitted = clock.now
    // Models nobody liked still get neighbours here: their tags place them.
    let placed = (0..<matrix.itemCount).map { features.offsets[$0 + 1] - features.offsets[$0] > 1 || matrix.itemDegree($0) > 0 }
    let similar = options.similarItemsSearch.similarItems(representations, eligible: placed, progress: progress)
    let lists = similar.lists
    // Tags and categories → nearest models, and models → nearest tags they do not carry yet.
    let sideEmbeddings = model.sideFeatureEmbeddings()
    let keys = features.sideFeatureNames.map { name -> FeatureKey in
        guard let key = FeatureKey(name: name) else { preconditionFailure("side feature names are FeatureKey.name values, not \(name)") }
        return key
    }
    let wide = FactorSimilarity(neighbours: options.featureNeighbours, threads: options.threads)
    var modelsByFeature: [FeatureKey: [(modelID: Int64, score: Float)]] = [:]
    for (index, list) in wide.nearest(queries: sideEmbeddings, candidates: representations, excludeSameIndex: false).enumerated() {
        modelsByFeature[keys[index]] = list.map { (snapshot.modelIDs[Int($0.item)], $0.score) }
    }
    let suggestionCount = 8
    let perItemCarried = (0..<matrix.itemCount).map { features.offsets[$0 + 1] - features.offsets[$0] }
    let suggestionSearch = FactorSimilarity(neighbours: suggestionCount + (perItemCarried.max() ?? 0), threads: options.threads)
    var suggestions: [Int64: [(feature: FeatureKey, score: Float)]] = [:]
    for (item, list) in suggestionSearch.nearest(queries: representations, candidates: sideEmbeddings, excludeSameIndex: false).enumerated()
    where matrix.itemDegree(item) > 0 || perItemCarried[item] > 1 {
        let fresh = list.filter { !features.has(item: item, feature: features.identityCount + Int($0.item)) && keys[Int($0.item)].kind == .tag }
        suggestions[snapshot.modelIDs[item]] = fresh.prefix(suggestionCount).map { (keys[Int($0.item)], $0.score) }
    }
    try store.saveFeatureNeighbours(models: modelsByFeature, suggestions: suggestions)
    // The vectors themselves, for placing a model outside the catalogue from its tags (serve --live-models).
    var featureVectors: [Float] = [], itemVectors: [Float] = []
    featureVectors.reserveCapacity(keys.count * sideEmbeddings.columns)
    for index in 0..<keys.count { featureVectors += sideEmbeddings.rowArray(index) }
    itemVectors.reserveCapacity(matrix.itemCount * representations.columns)
    for item in 0..<matrix.itemCount { itemVectors += representations.rowArray(item) }
    let vectors = HybridVectors(factors: representations.columns, features: keys, featureVectors: featureVectors,
                                modelIDs: snapshot.modelIDs, itemVectors: itemVectors)
    progress(String(format: "warp-tags: trained on %d side features in %.2f s; neighbours (%@), tag lists and suggestions in %.2f s",
                    features.sideFeatureNames.count, (fitted - start).inSeconds, similar.summary(neighbours: options.neighbours),
                    (clock.now - fitted).inSeconds))
    return (lists, vectors, similar.summary(neighbours: options.neighbours))
}
