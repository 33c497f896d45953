/// Which features make up each item, with weights: the item's own identity feature (optional), then side
/// features such as tags and categories. With `normalise`, each item's weights sum to 1 (as LightFM users are
/// advised to do), so items with many tags are not louder than items with few.
public struct ItemFeatures: Sendable {
    public let itemCount: Int
    public let featureCount: Int
    /// Names of the side features; feature index `identityCount + k` is `sideFeatureNames[k]`.
    public let sideFeatureNames: [String]
    /// Number of identity features (0 or `itemCount`); identity feature of item `i` is feature `i`.
    public let identityCount: Int
    public let offsets: [Int]
    public let features: [Int32]
    public let weights: [Float]

    /// `assignments` are (item, side feature name, weight); unknown items are ignored.
    public init(itemCount: Int, identity: Bool, assignments: [(item: Int, feature: String, weight: Float)],
                normalise: Bool = true) {
        self.itemCount = itemCount
        identityCount = identity ? itemCount : 0
        let names = Array(Set(assignments.map(\.feature))).sorted()
        sideFeatureNames = names
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        featureCount = identityCount + names.count
        var perItem = [[(Int32, Float)]](repeating: [], count: itemCount)
        if identity { for item in 0..<itemCount { perItem[item].append((Int32(item), 1)) } }
        for assignment in assignments where assignment.item >= 0 && assignment.item < itemCount {
            perItem[assignment.item].append((Int32(identityCount + index[assignment.feature]!), assignment.weight))
        }
        var offsets = [0], features: [Int32] = [], weights: [Float] = []
        for var entries in perItem {
            entries.sort { $0.0 < $1.0 }
            let total = entries.reduce(Float(0)) { $0 + $1.1 }
            for (feature, weight) in entries {
                features.append(feature)
                weights.append(normalise && total > 0 ? weight / total : weight)
            }
            offsets.append(features.count)
        }
        self.offsets = offsets
        self.features = features
        self.weights = weights
    }

    public func sideFeatureIndex(_ name: String) -> Int? {
        var low = 0, high = sideFeatureNames.count
        while low < high {
            let middle = (low + high) / 2
            if sideFeatureNames[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low < sideFeatureNames.count && sideFeatureNames[low] == name ? identityCount + low : nil
    }

    /// True if item `item` carries feature `feature`.
    public func has(item: Int, feature: Int) -> Bool {
        features[offsets[item]..<offsets[item + 1]].contains(Int32(feature))
    }
}
