/// Item features (tags, categories, genres) as extra rows of the likes matrix: each feature is a pseudo-user who
/// "likes" every item that carries it. This is how the closed-form and walk models take side information in
/// (CEASE stacks these rows under the likes, Jeunen, Van Balen & Goethals, RecSys 2020; the tag-aware walk steps
/// item → feature → item beside item → user → item), each row weighing `weight` against a user's.
///
/// Features carried by a single item say nothing about any pair of items and are left out.
public struct SideInformation: Sendable {
    /// features × items, value 1.
    public let rows: InteractionMatrix
    public let names: [String]
    public var weight: Float

    public init(itemCount: Int, assignments: [(item: Int, feature: String, weight: Float)], weight: Float,
                minimumItems: Int = 2) {
        var itemsByFeature: [String: Set<Int32>] = [:]
        for assignment in assignments where assignment.item >= 0 && assignment.item < itemCount {
            itemsByFeature[assignment.feature, default: []].insert(Int32(assignment.item))
        }
        let kept = itemsByFeature.filter { $0.value.count >= minimumItems }.keys.sorted()
        var pairs: [(user: Int32, item: Int32)] = []
        for (row, name) in kept.enumerated() {
            for item in itemsByFeature[name]!.sorted() { pairs.append((user: Int32(row), item: item)) }
        }
        rows = InteractionMatrix(userCount: kept.count, itemCount: itemCount, pairs: pairs)
        names = kept
        self.weight = weight
    }

    /// The same features at another weight.
    public func weighted(_ weight: Float) -> SideInformation {
        var copy = self
        copy.weight = weight
        return copy
    }

    public var isEmpty: Bool { rows.userCount == 0 }
}
