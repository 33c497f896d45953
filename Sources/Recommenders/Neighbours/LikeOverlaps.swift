import Synchronization
import ParallelWork

/// Why a likes-based list suggests model B after model A, in terms a visitor can check: how many users liked both,
/// and which other models those users liked most often (the tastes that connect A and B).
public struct LikeOverlapReason: Equatable, Sendable {
    public var coLikers: Int32
    /// Up to `LikeOverlaps.connectingCount` item indices, most shared first.
    public var connecting: [Int32]

    public init(coLikers: Int32, connecting: [Int32]) {
        self.coLikers = coLikers
        self.connecting = connecting
    }
}

public enum LikeOverlaps {
    public static let connectingCount = 3
    /// Users looked at per pair when counting connecting models: those who liked the fewest models first (their
    /// likes say the most about a taste, and a handful of heavy likers would otherwise dominate the cost).
    public static let sampledUsers = 48

    /// A reason for every neighbour of every item, in the lists' order. Deterministic: ties break by item index.
    public static func reasons(_ matrix: InteractionMatrix, lists: [[Neighbour]], threads: Int) -> [[LikeOverlapReason]] {
        precondition(lists.count == matrix.itemCount, "one list per item")
        let results = Mutex([[LikeOverlapReason]](repeating: [], count: lists.count))
        Parallel.forEachChunk(of: lists.count, chunk: 64, workers: threads) { range, _ in
            var counts = [Int32](repeating: 0, count: matrix.itemCount)
            var touched: [Int32] = []
            var common: [Int32] = []
            var local: [(Int, [LikeOverlapReason])] = []
            for item in range {
                let likers = matrix.users(ofItem: item)
                let reasons = lists[item].map { neighbour -> LikeOverlapReason in
                    common.removeAll(keepingCapacity: true)
                    intersect(likers, matrix.users(ofItem: Int(neighbour.item)), into: &common)
                    let coLikers = Int32(common.count)
                    guard coLikers > 0 else { return LikeOverlapReason(coLikers: 0, connecting: []) }
                    if common.count > sampledUsers {
                        common.sort { (matrix.userDegree(Int($0)), $0) < (matrix.userDegree(Int($1)), $1) }
                        common.removeLast(common.count - sampledUsers)
                    }
                    for user in common {
                        for other in matrix.items(ofUser: Int(user)) where Int(other) != item && other != neighbour.item {
                            if counts[Int(other)] == 0 { touched.append(other) }
                            counts[Int(other)] += 1
                        }
                    }
                    var best: [(count: Int32, item: Int32)] = []
                    for other in touched {
                        let entry = (count: counts[Int(other)], item: other)
                        counts[Int(other)] = 0
                        if best.count < connectingCount || (entry.count, -entry.item) > (best[best.count - 1].count, -best[best.count - 1].item) {
                            best.append(entry)
                            best.sort { ($0.count, -$0.item) > ($1.count, -$1.item) }
                            if best.count > connectingCount { best.removeLast() }
                        }
                    }
                    touched.removeAll(keepingCapacity: true)
                    return LikeOverlapReason(coLikers: coLikers, connecting: best.map(\.item))
                }
                local.append((item, reasons))
            }
            results.withLock { all in for (item, reasons) in local { all[item] = reasons } }
        }
        return results.withLock { $0 }
    }

    /// Both slices are sorted ascending.
    static func intersect(_ left: ArraySlice<Int32>, _ right: ArraySlice<Int32>, into output: inout [Int32]) {
        var i = left.startIndex, j = right.startIndex
        while i < left.endIndex, j < right.endIndex {
            if left[i] < right[j] { i += 1 } else if left[i] > right[j] { j += 1 } else {
                output.append(left[i]); i += 1; j += 1
            }
        }
    }
}
