import Foundation
import ParallelWork

/// EASE (Steck 2019): a shallow linear autoencoder whose item-to-item weights have a closed form,
/// `B = I − P · diag(1/diag(P))` with `P = (XᵀX + λI)⁻¹`, i.e. `B_ij = −P_ij / P_jj` and a zero diagonal. A user's
/// score for item j is `Σ_{i liked} B_ij`, so row i of B is what liking i adds to every other item: the item-to-item
/// list of i.
///
/// The Gram matrix is items × items, so the model is fitted on the `maxItems` most-liked items only; the others get
/// item-kNN lists instead. One λ, no randomness.
public struct EASE: Sendable {
    public var regularization: Float
    public var maxItems: Int
    public var neighbours: Int
    public var threads: Int
    /// Bytes the process may use for the matrix; nil reads MemAvailable from /proc/meminfo.
    public var memoryLimit: Int?

    /// λ 100 and 30,000 items: the best λ of the grid on the Sketchfab-scale demo, and a size that covers its
    /// catalogue within 3 minutes and 4 GB on two cores.
    public init(regularization: Float = 100, maxItems: Int = 30_000, neighbours: Int = 100, threads: Int = 2,
                memoryLimit: Int? = nil) {
        self.regularization = regularization
        self.maxItems = maxItems
        self.neighbours = neighbours
        self.threads = max(1, threads)
        self.memoryLimit = memoryLimit
    }

    public var parameters: [String: String] {
        ["regularization": String(regularization), "max_items": String(maxItems), "neighbours": String(neighbours)]
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
    }

    /// The most-liked `maxItems` items (ties to the lower index).
    public func fittedItems(_ matrix: InteractionMatrix) -> [Int32] {
        let order = (0..<Int32(matrix.itemCount)).sorted {
            let a = matrix.itemDegree(Int($0)), b = matrix.itemDegree(Int($1))
            return a != b ? a > b : $0 < $1
        }
        return Array(order.prefix(maxItems)).filter { matrix.itemDegree(Int($0)) > 0 }
    }

    public func fit(_ matrix: InteractionMatrix, progress: (String) -> Void = { _ in }) throws -> Fitted {
        let chosen = fittedItems(matrix)
        let needed = SymmetricMatrix.bytes(order: chosen.count) + matrix.itemCount * neighbours * 8
        let available = memoryLimit ?? Self.availableMemory()
        if let available, needed > available {
            throw MemoryError(items: chosen.count, needed: needed, available: available)
        }
        let clock = ContinuousClock()
        var start = clock.now
        let gram = Self.gram(matrix, items: chosen, regularization: regularization, threads: threads)
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
        return Fitted(lists: lists, fittedItems: chosen, inverseSeconds: inverseSeconds)
    }

    /// `XᵀX + λI` over `items` (in that order), lower triangle, rows built in parallel (each worker owns its rows).
    static func gram(_ matrix: InteractionMatrix, items: [Int32], regularization: Float, threads: Int) -> SymmetricMatrix {
        let gram = SymmetricMatrix(order: items.count)
        var local = [Int32](repeating: -1, count: matrix.itemCount)
        for (position, item) in items.enumerated() { local[Int(item)] = Int32(position) }
        let size = gram.size
        nonisolated(unsafe) let a = gram.storage.baseAddress!
        let localIndex = local
        Parallel.forEachChunk(of: items.count, chunk: 64, workers: threads) { range, _ in
            for row in range {
                let target = a + row * size
                for user in matrix.users(ofItem: Int(items[row])) {
                    for other in matrix.items(ofUser: Int(user)) {
                        let column = Int(localIndex[Int(other)])
                        if column >= 0 && column <= row { target[column] += 1 }
                    }
                }
                target[row] += regularization
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
