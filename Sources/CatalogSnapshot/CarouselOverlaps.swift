import AlgorithmIdentity
import CatalogStore

/// What the model page's comparison needs from the lists, worked out once per snapshot: which other carousels hold
/// each suggestion, which leading carousels agree on a model, and which tags and categories two models share.
public struct CarouselOverlaps: Sendable {
    /// How many suggestions of each list count when comparing lists: the top 12, as many as a carousel shows.
    public static let comparedTop = 12
    /// Carousels past the eighth are not marked (a mark is a bit of a byte).
    public static let markedCarousels = 8

    /// Per carousel, parallel to its lists' items: bit `c` set when carousel `c`'s top 12 for the same model holds
    /// the item too.
    public let marks: [[UInt8]]
    /// Per carousel: the longest list it holds for any model.
    public let longestList: [Int]
    /// Every tag and category, by id; per model the ids it carries, ascending.
    public let features: [FeatureKey]
    public let featureIDs: [[Int32]]
    private let carousels: [CatalogSnapshot.Carousel]

    init(carousels: [CatalogSnapshot.Carousel], modelCount: Int, carried: [[FeatureKey]]) {
        self.carousels = carousels
        var ids: [FeatureKey: Int32] = [:]
        var features: [FeatureKey] = []
        featureIDs = carried.map { keys in
            keys.map { key in
                if let id = ids[key] { return id }
                ids[key] = Int32(features.count)
                features.append(key)
                return Int32(features.count - 1)
            }.sorted()
        }
        self.features = features
        longestList = carousels.map { carousel in
            (0..<Int32(modelCount)).reduce(0) { max($0, carousel.entries(of: $1).count) }
        }
        let marked = min(carousels.count, Self.markedCarousels)
        var marks = carousels.map { [UInt8](repeating: 0, count: $0.lists.items.count) }
        for model in 0..<Int32(modelCount) {
            let tops = carousels.map { $0.list(of: model).prefix(Self.comparedTop) }
            for (index, carousel) in carousels.enumerated() {
                for entry in carousel.entries(of: model) {
                    var bits: UInt8 = 0
                    for other in 0..<marked where other != index && tops[other].contains(carousel.lists.items[entry]) {
                        bits |= 1 << other
                    }
                    marks[index][entry] = bits
                }
            }
        }
        self.marks = marks
    }

    /// The leading carousels' top suggestions for `model`, when at least two of them have a list: what the
    /// page's agreement line compares.
    public func leadingTops(of model: Int32) -> [(algorithm: Recommender, members: Set<Int32>)]? {
        let leading = carousels.filter { !$0.isBaseline && !$0.list(of: model).isEmpty }
        guard leading.count >= 2 else { return nil }
        return leading.map { ($0.algorithm, Set($0.list(of: model).prefix(Self.comparedTop))) }
    }

    /// Ids of the tags and categories both models carry, ascending.
    public func sharedFeatures(_ first: Int32, _ second: Int32) -> [Int32] {
        let left = featureIDs[Int(first)], right = featureIDs[Int(second)]
        var shared: [Int32] = []
        var i = 0, j = 0
        while i < left.count, j < right.count {
            if left[i] < right[j] { i += 1 } else if left[i] > right[j] { j += 1 } else { shared.append(left[i]); i += 1; j += 1 }
        }
        return shared
    }

    public func isCategory(_ feature: Int32) -> Bool { features[Int(feature)].kind == .category }
}
