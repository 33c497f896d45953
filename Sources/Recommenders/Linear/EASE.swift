import Foundation
import ParallelWork

/// EASE (Steck 2019): a shallow linear autoencoder whose item-to-item weights have a closed form,
/// `B = I − P · diag(1/diag(P))` with `P = (XᵀX + λI)⁻¹`, i.e. `B_ij = −P_ij / P_jj` and a zero diagonal. A user's
/// score for item j is `Σ_{i liked} B_ij`, so row i of B is what liking i adds to every other item: the item-to-item
/// list of i.
///
/// Two extensions, each off by default and kept only where a validation split says it helps:
/// - `dropout` p > 0 is the emphasised denoising linear autoencoder's full-rank closed form (EDLAE, Steck, NeurIPS
///   2020): the same formula with `P = (G + Λ)⁻¹`, `Λ = λI + p/(1−p)·diag(G)`, G the Gram below, which regularises a popular
///   item's weights more than a rare one's (dropout of the input penalises what the identity would copy).
/// - `side` stacks item features under the likes as weighted pseudo-users (CEASE, Jeunen, Van Balen & Goethals,
///   RecSys 2020): `XᵀX` becomes `XᵀX + w·FᵀF`, so two items that share tags are tied even with few likes.
///
/// The Gram matrix is items × items, so the model is fitted on the `maxItems` most-liked items only; the others get
/// item-kNN lists instead. No randomness.
public struct EASE: Sendable {
    public var regularization: Float
    /// EDLAE's dropout probability p, 0 ≤ p < 1 (0: EASE).
    public var dropout: Float
    /// Item features as weighted pseudo-users (CEASE); nil: likes alone.
    public var side: SideInformation?
    public var maxItems: Int
    public var neighbours: Int
    public var threads: Int
    /// Bytes the process may use for the matrix; nil reads MemAvailable from /proc/meminfo.
    public var memoryLimit: Int?

    /// λ 100 and no dropout: the textbook model, which callers tune (the project's defaults are `HarnessSettings`'s);
    /// 30,000 items: a size that covers the Sketchfab-scale catalogue within 3 minutes and 4 GB on two cores.
    public init(regularization: Float = 100, dropout: Float = 0, side: SideInformation? = nil, maxItems: Int = 30_000,
                neighbours: Int = 100, threads: Int = 2, memoryLimit: Int? = nil) {
        self.regularization = regularization
        self.dropout = min(max(dropout, 0), 0.99)
        self.side = side
        self.maxItems = maxItems
        self.neighbours = neighbours
        self.threads = max(1, threads)
        self.memoryLimit = memoryLimit
    }

    public var parameters: [String: String] {
        var parameters = ["regularization": String(regularization), "max_items": String(maxItems),
                          "neighbours": String(neighbours)]
        if dropout > 0 { parameters["dropout"] = String(dropout) }
        if let side { parameters["side_weight"] = String(side.weight); parameters["side_features"] = String(side.rows.userCount) }
        return parameters
    }

    public struct MemoryError: Error, CustomStringConvertible {
        public var items: Int
        public var needed: Int
        public var available: Int
        public var description: String {
            String(format: "EASE on %d items needs %.1f GB for its item × item matrix but %.1f GB is available: lower --max-items (the most-liked items are fitted, the rest fall back to item-kNN)",
                   items, Double(needed) / 1e9, Double(available) / 1e9)
        }
    }

    public struct NotPositiveDefinite: Error, CustomStringConvertible {
        public var regularization: Float
        public var description: String {
            "EASE's Gram matrix plus \(regularization)·I was not positive definite in single precision: raise --ease-lambda"
        }
    }

    public struct Fitted: Sendable {
        /// Item-to-item lists (row i of B, best first) for every item; the items beyond `maxItems` have item-kNN's.
        public var lists: [[Neighbour]]
        /// The items the closed form covered, most-liked first.
        public var fittedItems: [Int32]
        public var inverseSeconds: Double
        /// The whole weight matrix, when asked for (`fit(keepingWeights: true)`), to score the model as a model.
        public var weights: EASEWeights?
    }

    /// The most-liked `maxItems` items (ties to the lower index).
    public func fittedItems(_ matrix: InteractionMatrix) -> [Int32] {
        let order = (0..<Int32(matrix.itemCount)).sorted {
            let a = matrix.itemDegree(Int($0)), b = matrix.itemDegree(Int($1))
            return a != b ? a > b : $0 < $1
        }
        return Array(order.prefix(maxItems)).filter { matrix.itemDegree(Int($0)) > 0 }
    }

    /// `keepingWeights` keeps the inverse (items² floats) in the result so every weight, negative ones included,
    /// can score users; the site's lists need only each row's best positive weights.
    public func fit(_ matrix: InteractionMatrix, keepingWeights: Bool = false,
                    progress: (String) -> Void = { _ in }) throws -> Fitted {
        let chosen = fittedItems(matrix)
        let needed = SymmetricMatrix.bytes(order: chosen.count) + matrix.itemCount * neighbours * 8
        let available = memoryLimit ?? Self.availableMemory()
        if let available, needed > available {
            throw MemoryError(items: chosen.count, needed: needed, available: available)
        }
        let clock = ContinuousClock()
        var start = clock.now
        let gram = Self.gram(matrix, items: chosen, regularization: regularization, dropout: dropout, side: side,
                             threads: threads)
        let gramSeconds = (clock.now - start) / .seconds(1)
        progress(String(format: "  ease: Gram matrix of %d items in %.2f s", chosen.count, gramSeconds))
        start = clock.now
        nonisolated(unsafe) var reported = clock.now
        guard gram.invert(threads: threads, progress: { done, total in
            if clock.now - reported > .seconds(10) {
                reported = clock.now
                progress("  ease: inverse \(done)/\(total) blocks")
            }
        }) else {
            throw NotPositiveDefinite(regularization: regularization)
        }
        let inverseSeconds = (clock.now - start) / .seconds(1)
        progress(String(format: "  ease: inverse in %.2f s", inverseSeconds))
        gram.mirrorLowerToUpper(threads: threads)
        var lists = Self.lists(gram, items: chosen, itemCount: matrix.itemCount, neighbours: neighbours, threads: threads)
        if chosen.count < matrix.itemCount {
            let fallback = ItemKNN(neighbours: neighbours, threads: threads).similarItems(matrix)
            let covered = Set(chosen)
            for item in 0..<matrix.itemCount where !covered.contains(Int32(item)) { lists[item] = fallback[item] }
        }
        let weights = keepingWeights ? EASEWeights(inverse: gram, items: chosen, itemCount: matrix.itemCount) : nil
        return Fitted(lists: lists, fittedItems: chosen, inverseSeconds: inverseSeconds, weights: weights)
    }

    /// `XᵀX + w·FᵀF + Λ` over `items` (in that order), lower triangle, rows built in parallel (each worker owns its
    /// rows); `Λ = λI + p/(1−p)·diag(XᵀX + w·FᵀF)`.
    static func gram(_ matrix: InteractionMatrix, items: [Int32], regularization: Float, dropout: Float = 0,
                     side: SideInformation? = nil, threads: Int) -> SymmetricMatrix {
        let gram = SymmetricMatrix(order: items.count)
        var local = [Int32](repeating: -1, count: matrix.itemCount)
        for (position, item) in items.enumerated() { local[Int(item)] = Int32(position) }
        let size = gram.size
        nonisolated(unsafe) let a = gram.storage.baseAddress!
        let localIndex = local
        let emphasis = dropout > 0 ? dropout / (1 - dropout) : 0
        Parallel.forEachChunk(of: items.count, chunk: 64, workers: threads) { range, _ in
            for row in range {
                let target = a + row * size
                for user in matrix.users(ofItem: Int(items[row])) {
                    for other in matrix.items(ofUser: Int(user)) {
                        let column = Int(localIndex[Int(other)])
                        if column >= 0 && column <= row { target[column] += 1 }
                    }
                }
                if let side, side.weight > 0 {
                    for feature in side.rows.users(ofItem: Int(items[row])) {
                        for other in side.rows.items(ofUser: Int(feature)) {
                            let column = Int(localIndex[Int(other)])
                            if column >= 0 && column <= row { target[column] += side.weight }
                        }
                    }
                }
                target[row] += regularization + target[row] * emphasis
            }
        }
        return gram
    }

    /// Row i of B = −P_ij / P_jj, best `neighbours` first, for the fitted items (global indices).
    static func lists(_ inverse: SymmetricMatrix, items: [Int32], itemCount: Int, neighbours: Int, threads: Int) -> [[Neighbour]] {
        let n = items.count, size = inverse.size
        nonisolated(unsafe) let p = inverse.storage.baseAddress!
        let scale = (0..<n).map { -1 / p[$0 * size + $0] }
        var lists = [[Neighbour]](repeating: [], count: itemCount)
        lists.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let out = output.baseAddress!
            Parallel.forEachChunk(of: n, chunk: 32, workers: threads) { range, _ in
                for row in range {
                    let values = p + row * size
                    var best = TopK(capacity: neighbours)
                    for column in 0..<n where column != row {
                        let weight = values[column] * scale[column]
                        if weight > 0 { best.insert(item: items[column], score: weight) }
                    }
                    out[Int(items[row])] = best.sorted()
                }
            }
        }
        return lists
    }

    /// MemAvailable from /proc/meminfo, in bytes; nil where it cannot be read.
    public static func availableMemory() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }
}

/// EASE's whole weight matrix `B_ij = −P_ij / P_jj`, kept as the mirrored inverse `P` (items² floats): a user's
/// score for item j is `Σ_{i liked} B_ij = −(Σ_{i liked} P_ij) / P_jj`, one contiguous row sum per liked item.
public final class EASEWeights: @unchecked Sendable {
    let inverse: SymmetricMatrix
    /// Fitted items (global indices) by local position, and each global item's local position (−1: not fitted).
    public let items: [Int32]
    let local: [Int32]
    let scale: [Float]

    init(inverse: SymmetricMatrix, items: [Int32], itemCount: Int) {
        self.inverse = inverse
        self.items = items
        var local = [Int32](repeating: -1, count: itemCount)
        for (position, item) in items.enumerated() { local[Int(item)] = Int32(position) }
        self.local = local
        let size = inverse.size
        scale = (0..<items.count).map { -1 / inverse.storage[$0 * size + $0] }
    }

    /// Adds `Σ_{i in liked} B_i·` to `output` (global item indices); `scratch` holds at least `items.count` floats.
    public func addScores<S: Sequence>(liked: S, into output: UnsafeMutableBufferPointer<Float>,
                                       scratch: UnsafeMutableBufferPointer<Float>) where S.Element == Int32 {
        let n = items.count, size = inverse.size
        let p = inverse.storage.baseAddress!, sum = scratch.baseAddress!
        for k in 0..<n { sum[k] = 0 }
        var any = false
        for item in liked {
            let row = Int(local[Int(item)])
            guard row >= 0 else { continue }
            VectorKernels.axpy(1, p + row * size, sum, n)
            any = true
        }
        guard any else { return }
        for k in 0..<n { output[Int(items[k])] += sum[k] * scale[k] }
        // B's diagonal is zero: a liked item's own P_ii term is not a weight.
        for item in liked {
            let row = Int(local[Int(item)])
            if row >= 0 { output[Int(item)] -= p[row * size + row] * scale[row] }
        }
    }
}
