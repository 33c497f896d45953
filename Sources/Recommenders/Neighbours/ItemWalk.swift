import Foundation
import ParallelWork

/// The two-step walk item → (liker | feature) → item behind RP3beta and cosine item-kNN, with every weight a
/// product of per-node factors:
///
///     W_ij = arrival_j · ( start_i · Σ_{u liked i and j} middle_u  +  sideStart_i · Σ_{f on i and j} sideMiddle_f )
///
/// It gives an item's list (its row's best entries) and a user's score for every item (`Σ_{i liked} W_i·`, the
/// whole rows, as a peer comparison scores a similarity model) without ever holding the item × item matrix: both
/// walk the likes from the items outward, so the cost is the number of paths.
public struct ItemWalk: Sendable {
    public let likes: InteractionMatrix
    public let side: SideInformation?
    let start: [Float]
    let middle: [Float]
    let arrival: [Float]
    let sideStart: [Float]
    let sideMiddle: [Float]

    /// RP3beta's walk: each step's transition probability raised to α, the arrival divided by its popularity^β; a
    /// feature step weighs `side.weight` against a liker step.
    public static func rp3beta(_ likes: InteractionMatrix, alpha: Float, beta: Float, side: SideInformation? = nil) -> ItemWalk {
        func power(_ degree: Int, _ exponent: Float) -> Float {
            degree > 0 ? RP3beta.power(1 / Float(degree), exponent) : 0
        }
        let arrival = (0..<likes.itemCount).map { 1 / RP3beta.power(Float(max(1, likes.itemDegree($0))), beta) }
        let sideRows = side.flatMap { $0.weight > 0 && !$0.isEmpty ? $0 : nil }
        return ItemWalk(
            likes: likes, side: sideRows,
            start: (0..<likes.itemCount).map { power(likes.itemDegree($0), alpha) },
            middle: (0..<likes.userCount).map { power(likes.userDegree($0), alpha) },
            arrival: arrival,
            sideStart: sideRows.map { s in (0..<likes.itemCount).map { s.weight * power(s.rows.itemDegree($0), alpha) } } ?? [],
            sideMiddle: sideRows.map { s in (0..<s.rows.userCount).map { power(s.rows.userDegree($0), alpha) } } ?? [])
    }

    /// Cosine similarity of co-likes, `|U(i) ∩ U(j)| / √(|U(i)| |U(j)|)`, as item-kNN computes it.
    public static func cosine(_ likes: InteractionMatrix) -> ItemWalk {
        let inverseRoot = (0..<likes.itemCount).map { item -> Float in
            let degree = likes.itemDegree(item)
            return degree > 0 ? 1 / Float(degree).squareRoot() : 0
        }
        return ItemWalk(likes: likes, side: nil, start: inverseRoot,
                        middle: [Float](repeating: 1, count: likes.userCount), arrival: inverseRoot,
                        sideStart: [], sideMiddle: [])
    }

    /// Adds row `item` of W, without the arrival factor, into `weights`, appending each newly touched item to
    /// `touched` (its weight was 0).
    @inline(__always)
    func accumulate(row item: Int, scale: Float, into weights: UnsafeMutableBufferPointer<Float>, touched: inout [Int32]) {
        let startWeight = start[item] * scale
        if startWeight != 0 {
            for user in likes.users(ofItem: item) {
                let step = startWeight * middle[Int(user)]
                for other in likes.items(ofUser: Int(user)) {
                    if weights[Int(other)] == 0 { touched.append(other) }
                    weights[Int(other)] += step
                }
            }
        }
        if let side {
            let sideWeight = sideStart[item] * scale
            guard sideWeight != 0 else { return }
            for feature in side.rows.users(ofItem: item) {
                let step = sideWeight * sideMiddle[Int(feature)]
                for other in side.rows.items(ofUser: Int(feature)) {
                    if weights[Int(other)] == 0 { touched.append(other) }
                    weights[Int(other)] += step
                }
            }
        }
    }

    /// Each item's `neighbours` largest weights (itself left out), best first.
    public func lists(neighbours: Int, threads: Int) -> [[Neighbour]] {
        let itemCount = likes.itemCount
        var results = [[Neighbour]](repeating: [], count: itemCount)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let out = output.baseAddress!
            Parallel.forEachChunk(of: itemCount, chunk: 64, workers: max(1, threads)) { range, _ in
                var weights = [Float](repeating: 0, count: itemCount)
                var touched: [Int32] = []
                weights.withUnsafeMutableBufferPointer { weights in
                    for item in range {
                        touched.removeAll(keepingCapacity: true)
                        accumulate(row: item, scale: 1, into: weights, touched: &touched)
                        var best = TopK(capacity: neighbours)
                        for other in touched {
                            let index = Int(other)
                            if index != item { best.insert(item: other, score: weights[index] * arrival[index]) }
                            weights[index] = 0
                        }
                        out[item] = best.sorted()
                    }
                }
            }
        }
        return results
    }

    /// A user's score for every item: the sum of the whole rows of the items they liked (`output` is overwritten).
    public func scores(liked: ArraySlice<Int32>, into output: UnsafeMutableBufferPointer<Float>) {
        for index in 0..<output.count { output[index] = 0 }
        var touched: [Int32] = []
        for item in liked { accumulate(row: Int(item), scale: 1, into: output, touched: &touched) }
        for other in touched { output[Int(other)] *= arrival[Int(other)] }
    }
}
