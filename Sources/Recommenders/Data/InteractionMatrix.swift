/// User × item interactions in compressed sparse row form (rows are users), plus the transpose, with a Float32
/// value per entry (1 for a like; a weight or confidence otherwise).
///
/// Users and items are dense indices `0..<userCount` and `0..<itemCount`; id maps live in `InteractionData`.
public struct InteractionMatrix: Sendable {
    public let userCount: Int
    public let itemCount: Int
    /// `userItems[userOffsets[u]..<userOffsets[u+1]]` are the items user `u` interacted with, ascending;
    /// `userValues` holds the matching values.
    public let userOffsets: [Int]
    public let userItems: [Int32]
    public let userValues: [Float]
    /// The transpose: `itemUsers[itemOffsets[i]..<itemOffsets[i+1]]` are the users of item `i`, ascending.
    public let itemOffsets: [Int]
    public let itemUsers: [Int32]
    public let itemValues: [Float]

    /// Builds the matrix from (user, item) pairs with value 1; repeated pairs count once.
    public init(userCount: Int, itemCount: Int, pairs: [(user: Int32, item: Int32)]) {
        self.init(userCount: userCount, itemCount: itemCount,
                  entries: pairs.map { (user: $0.user, item: $0.item, value: Float(1)) }, combine: max)
    }

    /// Builds the matrix from weighted entries; repeated pairs are merged with `combine` (sum by default).
    public init(userCount: Int, itemCount: Int, entries: [(user: Int32, item: Int32, value: Float)],
                combine: (Float, Float) -> Float = (+)) {
        precondition(entries.allSatisfy { $0.user >= 0 && Int($0.user) < userCount && $0.item >= 0 && Int($0.item) < itemCount },
                     "entry index out of range")
        self.userCount = userCount
        self.itemCount = itemCount
        (userOffsets, userItems, userValues) = Self.compress(
            rows: userCount, entries.map { ($0.user, $0.item, $0.value) }, combine: combine)
        var transposed: [(Int32, Int32, Float)] = []
        transposed.reserveCapacity(userItems.count)
        for user in 0..<userCount {
            for index in userOffsets[user]..<userOffsets[user + 1] {
                transposed.append((userItems[index], Int32(user), userValues[index]))
            }
        }
        (itemOffsets, itemUsers, itemValues) = Self.compress(rows: itemCount, transposed, combine: combine)
    }

    public var interactionCount: Int { userItems.count }

    public func items(ofUser user: Int) -> ArraySlice<Int32> { userItems[userOffsets[user]..<userOffsets[user + 1]] }
    public func users(ofItem item: Int) -> ArraySlice<Int32> { itemUsers[itemOffsets[item]..<itemOffsets[item + 1]] }
    public func itemDegree(_ item: Int) -> Int { itemOffsets[item + 1] - itemOffsets[item] }
    public func userDegree(_ user: Int) -> Int { userOffsets[user + 1] - userOffsets[user] }

    /// The same structure with every value replaced by `transform(value)`.
    public func mapValues(_ transform: (Float) -> Float) -> InteractionMatrix {
        InteractionMatrix(copying: self, userValues: userValues.map(transform), itemValues: itemValues.map(transform))
    }

    init(copying other: InteractionMatrix, userValues: [Float], itemValues: [Float]) {
        userCount = other.userCount
        itemCount = other.itemCount
        userOffsets = other.userOffsets
        userItems = other.userItems
        itemOffsets = other.itemOffsets
        itemUsers = other.itemUsers
        self.userValues = userValues
        self.itemValues = itemValues
    }

    private static func compress(rows: Int, _ entries: [(Int32, Int32, Float)],
                                 combine: (Float, Float) -> Float) -> ([Int], [Int32], [Float]) {
        var counts = [Int](repeating: 0, count: rows + 1)
        for (row, _, _) in entries { counts[Int(row) + 1] += 1 }
        for row in 0..<rows { counts[row + 1] += counts[row] }
        var cursor = counts
        var columns = [Int32](repeating: 0, count: entries.count)
        var values = [Float](repeating: 0, count: entries.count)
        for (row, column, value) in entries {
            columns[cursor[Int(row)]] = column
            values[cursor[Int(row)]] = value
            cursor[Int(row)] += 1
        }
        // Sort each row by column and merge repeats, compacting in place.
        var offsets = [Int](repeating: 0, count: rows + 1)
        var write = 0
        var order: [Int] = []
        var rowColumns: [Int32] = [], rowValues: [Float] = []
        for row in 0..<rows {
            let start = counts[row], end = counts[row + 1]
            // Rows built from another matrix (a split, a transpose) arrive sorted without repeats: moved as they are.
            var ascending = true
            var probe = start + 1
            while probe < end {
                if columns[probe - 1] >= columns[probe] { ascending = false; break }
                probe += 1
            }
            if ascending {
                for index in start..<end {
                    columns[write] = columns[index]
                    values[write] = values[index]
                    write += 1
                }
                offsets[row + 1] = write
                continue
            }
            order = Array(start..<end)
            order.sort { columns[$0] != columns[$1] ? columns[$0] < columns[$1] : $0 < $1 }
            rowColumns = order.map { columns[$0] }
            rowValues = order.map { values[$0] }
            var index = 0
            while index < rowColumns.count {
                var value = rowValues[index]
                var next = index + 1
                while next < rowColumns.count, rowColumns[next] == rowColumns[index] {
                    value = combine(value, rowValues[next])
                    next += 1
                }
                columns[write] = rowColumns[index]
                values[write] = value
                write += 1
                index = next
            }
            offsets[row + 1] = write
        }
        columns.removeLast(columns.count - write)
        values.removeLast(values.count - write)
        return (offsets, columns, values)
    }
}
