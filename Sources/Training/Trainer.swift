import CatalogStore
import Foundation
import Recommenders

public struct TrainingOptions: Sendable {
    public var algorithms: [String]
    public var neighbours: Int
    public var threads: Int
    /// Hyperparameters of the `wrmf` algorithm (its thread count follows `threads`).
    public var wrmf: WRMF

    public init(algorithms: [String] = RecommenderCatalog.trainable, neighbours: Int = 12, threads: Int = 2,
                wrmf: WRMF = WRMF()) {
        self.algorithms = algorithms
        self.neighbours = neighbours
        self.threads = threads
        self.wrmf = wrmf
    }
}

public struct TrainingError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

public struct TrainedAlgorithm: Sendable {
    public var name: String
    public var trainSeconds: Double
    public var saveSeconds: Double
    public var modelsWithRecommendations: Int
}

/// The `train` stage: reads likes from the store, runs each algorithm, and replaces its stored recommendations.
public enum Trainer {
    public static func run(_ options: TrainingOptions, store: CatalogStore,
                           progress: (String) -> Void = { _ in }) throws -> [TrainedAlgorithm] {
        for name in options.algorithms where !RecommenderCatalog.trainable.contains(name) {
            let known = RecommenderCatalog.trainable.joined(separator: ", ")
            throw TrainingError(description: "unknown or not yet trainable algorithm \"\(name)\" (available: \(known))")
        }
        guard options.neighbours > 0 else { throw TrainingError(description: "--neighbours must be at least 1") }
        let clock = ContinuousClock()
        let snapshot = try store.likesSnapshot()
        guard !snapshot.modelIDs.isEmpty else {
            throw TrainingError(description: "the catalogue has no models: run `recasketch import` first")
        }
        let matrix = InteractionMatrix(userCount: snapshot.userCount, itemCount: snapshot.modelIDs.count,
                                       pairs: snapshot.pairs)
        progress("loaded \(matrix.interactionCount) likes by \(matrix.userCount) users on \(matrix.itemCount) models")
        var results: [TrainedAlgorithm] = []
        for name in options.algorithms {
            let descriptor = RecommenderCatalog.descriptor(named: name)!
            let start = clock.now
            let lists: [[Neighbour]]
            var parameters = ["neighbours": String(options.neighbours)]
            switch name {
            case "itemknn":
                lists = ItemKNN(neighbours: options.neighbours, threads: options.threads).similarItems(matrix)
                parameters["similarity"] = "cosine"
                parameters["threads"] = String(options.threads)
            case "popularity":
                lists = Popularity(neighbours: options.neighbours).similarItems(matrix)
            case "wrmf":
                var wrmf = options.wrmf
                wrmf.threads = options.threads
                let model = wrmf.fit(matrix)
                let fitted = clock.now
                let similar = FactorSimilarity(neighbours: options.neighbours, threads: options.threads)
                    .similarItems(model.itemFactors)
                progress(String(format: "wrmf: factorised in %.2f s, top-%d similar models for all %d in %.2f s",
                                (fitted - start).seconds, options.neighbours, matrix.itemCount, (clock.now - fitted).seconds))
                // A model nobody liked has no factors to compare: it gets no list and is nobody's neighbour.
                lists = similar.enumerated().map { item, list in
                    matrix.itemDegree(item) == 0 ? [] : list.filter { matrix.itemDegree(Int($0.item)) > 0 }
                }
                parameters.merge(wrmf.parameters) { _, new in new }
            default:
                preconditionFailure("checked above")
            }
            let trainSeconds = (clock.now - start).seconds
            let saveStart = clock.now
            let run = AlgorithmRun(algorithm: name, title: descriptor.title, description: descriptor.description,
                                   displayOrder: descriptor.displayOrder, parameters: parameters,
                                   trainedAt: Date(), trainSeconds: trainSeconds)
            try store.saveRecommendations(run, modelIDs: snapshot.modelIDs,
                                          neighbours: lists.map { $0.map { ($0.item, $0.score) } })
            let trained = TrainedAlgorithm(name: name, trainSeconds: trainSeconds,
                                           saveSeconds: (clock.now - saveStart).seconds,
                                           modelsWithRecommendations: lists.filter { !$0.isEmpty }.count)
            progress(String(format: "%@: trained in %.2f s, stored in %.2f s, %d models have recommendations",
                            name, trained.trainSeconds, trained.saveSeconds, trained.modelsWithRecommendations))
            results.append(trained)
        }
        return results
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
