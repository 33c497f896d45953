/// Binary user × item interactions in compressed sparse row form (rows are users), plus the transpose.
///
/// Users and items are dense indices `0..<userCount` and `0..<itemCount`; id maps live with the caller.
public struct InteractionMatrix: Sendable {
    public let userCount: Int
    public let itemCount: Int
    /// `userItems[userOffsets[u]..<userOffsets[u+1]]` are the items user `u` liked, ascending.
    public let userOffsets: [Int]
    public let userItems: [Int32]
    /// `itemUsers[itemOffsets[i]..<itemOffsets[i+1]]` are the users who liked item `i`, ascending.
    public let itemOffsets: [Int]
    public let itemUsers: [Int32]

    /// Builds the matrix from (user, item) pairs; repeated pairs count once.
    public init(userCount: Int, itemCount: Int, pairs: [(user: Int32, item: Int32)]) {
        precondition(pairs.allSatisfy { Int($0.user) < userCount && Int($0.item) < itemCount && $0.user >= 0 && $0.item >= 0 },
                     "pair index out of range")
        self.userCount = userCount
        self.itemCount = itemCount
        (userOffsets, userItems) = Self.compress(rows: userCount, pairs.map { ($0.user, $0.item) })
        (itemOffsets, itemUsers) = Self.compress(rows: itemCount, pairs.map { ($0.item, $0.user) })
    }

    public var interactionCount: Int { userItems.count }

    public func items(ofUser user: Int) -> ArraySlice<Int32> { userItems[userOffsets[user]..<userOffsets[user + 1]] }
    public func users(ofItem item: Int) -> ArraySlice<Int32> { itemUsers[itemOffsets[item]..<itemOffsets[item + 1]] }
    public func itemDegree(_ item: Int) -> Int { itemOffsets[item + 1] - itemOffsets[item] }
    public func userDegree(_ user: Int) -> Int { userOffsets[user + 1] - userOffsets[user] }

    private static func compress(rows: Int, _ entries: [(Int32, Int32)]) -> ([Int], [Int32]) {
        var counts = [Int](repeating: 0, count: rows + 1)
        for (row, _) in entries { counts[Int(row) + 1] += 1 }
        for row in 0..<rows { counts[row + 1] += counts[row] }
        var cursor = counts
        var columns = [Int32](repeating: 0, count: entries.count)
        for (row, column) in entries {
            columns[cursor[Int(row)]] = column
            cursor[Int(row)] += 1
        }
        // Sort each row and drop repeats, compacting in place.
        var offsets = [Int](repeating: 0, count: rows + 1)
        var write = 0
        for row in 0..<rows {
            let start = counts[row], end = counts[row + 1]
            columns[start..<end].sort()
            var previous: Int32 = -1
            for index in start..<end where columns[index] != previous {
                previous = columns[index]
                columns[write] = previous
                write += 1
            }
            offsets[row + 1] = write
        }
        columns.removeLast(columns.count - write)
        return (offsets, columns)
    }
}
