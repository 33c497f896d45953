import AlgorithmIdentity
import CatalogStore
import Foundation
import Recommenders

/// The catalogue a server answers from, in memory, between two publications: models, every algorithm's lists as
/// integer arrays, tags and categories, the name search index and the fold-in factors. It knows no presentation:
/// the pages and the API build their HTML and JSON fragments from it once per publication. Immutable: a new
/// publication builds a new snapshot beside this one.
public final class CatalogSnapshot: Sendable {
    /// One algorithm's stored lists, as the carousels and the API show them.
    public struct Carousel: Sendable {
        public let info: AlgorithmInfo
        public let algorithm: Recommender
        public let lists: PublishedCatalog.Lists

        public func list(of model: Int32) -> ArraySlice<Int32> {
            lists.items[entries(of: model)]
        }

        /// Positions of the model's list in `lists`' arrays.
        public func entries(of model: Int32) -> Range<Int> {
            Int(lists.offsets[Int(model)])..<Int(lists.offsets[Int(model) + 1])
        }
    }

    public let generation: Int64
    public let models: [ModelSummary]
    private let index: [String: Int32]
    /// Per model: its own tags and categories, and the tags suggested for it.
    public let carried: [[FeatureKey]]
    public let suggested: [[FeatureKey]]
    /// Per tag or category: the nearest models, best first.
    public let featureModels: [FeatureKey: [Int32]]
    /// Every stored algorithm run, in display order (also those without lists).
    public let algorithms: [AlgorithmInfo]
    /// The runs with lists, in display order.
    public let carousels: [Carousel]
    /// Which carousels share each suggestion, and the tags models share.
    public let overlaps: CarouselOverlaps
    /// WRMF's item factors, for "For you" from a visitor's likes; nil until `train` stored them.
    public let foldIn: FoldInRecommender?
    /// The algorithm whose factors `foldIn` holds.
    public let foldInAlgorithm: String
    public let evaluation: PublishedCatalog.StoredEvaluation?
    /// The newest run of `tune` per algorithm, by algorithm name.
    public let tunings: [PublishedCatalog.StoredTuning]
    /// The picker's models, in the order it lists them.
    public let picker: [Int32]
    /// Every model, most liked first: the order of search results and of the home page's grid.
    public let searchOrder: [Int32]
    let names: NameSearchIndex

    public var modelCount: Int { models.count }

    public init(_ published: PublishedCatalog) {
        generation = published.generation
        let models = published.models
        self.models = models
        var index: [String: Int32] = [:]
        index.reserveCapacity(models.count)
        for (position, model) in models.enumerated() { index[model.mid] = Int32(position) }
        self.index = index
        carried = published.carried
        suggested = published.suggested
        featureModels = published.featureModels
        algorithms = published.algorithms
        carousels = published.algorithms.compactMap { info in
            // A name this build cannot read (neither a built-in nor an importable slug) has no carousel.
            guard let lists = published.lists[info.algorithm], let algorithm = Recommender(name: info.algorithm) else { return nil }
            return Carousel(info: info, algorithm: algorithm, lists: lists)
        }
        overlaps = CarouselOverlaps(carousels: carousels, modelCount: models.count, carried: published.carried)
        foldIn = published.foldIn.map {
            FoldInRecommender(vectors: $0.vectors, factors: $0.factors, known: $0.known, regularization: $0.regularization, alpha: $0.alpha)
        }
        foldInAlgorithm = published.foldIn?.algorithm ?? Algorithm.popularity.rawValue
        evaluation = published.evaluation
        tunings = published.tunings
        picker = published.picker
        let searchOrder = (0..<Int32(models.count)).sorted { a, b in
            let left = models[Int(a)], right = models[Int(b)]
            return left.likeCount != right.likeCount ? left.likeCount > right.likeCount : left.mid < right.mid
        }
        self.searchOrder = searchOrder
        names = NameSearchIndex(names: models.map(\.name), searchOrder: searchOrder)
    }

    /// The model's number, if the catalogue holds it.
    public func model(_ mid: String) -> Int32? { index[mid] }

    /// Models whose names contain every word of `query`: names starting with the query first, then by likes.
    public func search(_ query: String, limit: Int) -> [Int32] {
        names.search(query, limit: limit, searchOrder: searchOrder)
    }

    /// The models the likes + tags model places nearest a tag or category; nil when none are stored.
    public func models(near feature: FeatureKey) -> [Int32]? {
        guard let models = featureModels[feature], !models.isEmpty else { return nil }
        return models
    }

    /// Why `carousels[carousel]` suggests its list's `entry` for `model`.
    public func explanation(carousel: Int, entry: Int, from model: Int32) -> Explanation {
        let carousel = carousels[carousel]
        let lists = carousel.lists
        let score = lists.scores[entry]
        switch carousel.algorithm {
        case .known(.visual):
            return .similarity(score)
        case .known(.wrmf), .known(.itemKNN), .known(.ease), .known(.rp3beta):
            guard lists.coLikers[entry] >= 0 else { return .score(score) }
            let width = PublishedCatalog.Lists.connectingWidth
            let slots = lists.connecting[(entry * width)..<((entry + 1) * width)]
            return .coLikes(count: Int(lists.coLikers[entry]), connecting: slots.prefix { $0 >= 0 })
        case .known(.warpTags), .known(.easeTags), .known(.rp3betaTags):
            return .sharedFeatures(overlaps.sharedFeatures(model, lists.items[entry]), score: score)
        case .known(.popularity):
            return .popularity(likes: models[Int(lists.items[entry])].likeCount)
        case .known, .imported:
            return .score(score)
        }
    }
}

/// Why one suggestion was made, from what the snapshot holds: the stored score, the users who liked both and the
/// models connecting them, the tags both carry, or the like count. Cheap to make (integers only); the pages write
/// it as a sentence, the API as an object.
public enum Explanation: Equatable {
    case similarity(Float)
    /// `connecting`: model numbers, from `Lists.connecting`.
    case coLikes(count: Int, connecting: ArraySlice<Int32>)
    /// Feature ids (see `CarouselOverlaps.features`) both models carry, ascending.
    case sharedFeatures([Int32], score: Float)
    case popularity(likes: Int)
    case score(Float)
}
