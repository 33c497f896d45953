import ElapsedTime
import ParallelWork
import SeededRandom

/// The `degree` nearest rows of every row by cosine, approximately, in time that grows as rows × log(rows) rather
/// than rows²: NN-descent (Dong, Charikar & Li, WWW 2011) started from the leaves of random-projection trees, the
/// way PyNNDescent starts it. A row's neighbours' neighbours are likely its neighbours, so each round compares only
/// the pairs met through a shared neighbour, and stops when a round changes almost nothing.
///
/// Deterministic under `seed` whatever the scheduling: each block of rows first computes its candidate pairs against
/// the graph as the previous blocks left it (reads only), then applies the improvements (writes only, each row by one
/// worker), and a row's
/// heap keeps the best `degree` under one total order (score, then lower index), which no insertion order changes.
public struct NeighbourGraph: Sendable {
    /// Neighbours kept per row while building; the lists returned are its best `neighbours`.
    public var degree: Int
    public var threads: Int
    public var seed: UInt64
    /// Random-projection trees whose leaves seed the graph.
    public var trees: Int
    /// Rows per tree leaf (every pair in a leaf is compared once).
    public var leafSize: Int
    /// New and old candidates sampled per row per round (PyNNDescent's `max_candidates`).
    public var maxCandidates: Int
    public var maxRounds: Int
    /// A round that improves fewer than `stopFraction × rows × degree` entries is the last.
    public var stopFraction: Double

    public init(degree: Int = 24, threads: Int = 2, seed: UInt64 = 42, trees: Int = 4, leafSize: Int = 32,
                maxCandidates: Int = 24, maxRounds: Int = 12, stopFraction: Double = 0.001) {
        self.degree = max(1, degree)
        self.threads = max(1, threads)
        self.seed = seed
        self.trees = max(1, trees)
        self.leafSize = max(4, leafSize)
        self.maxCandidates = max(2, maxCandidates)
        self.maxRounds = max(0, maxRounds)
        self.stopFraction = stopFraction
    }

    /// What a build did, for the log.
    public struct Report: Sendable, Equatable {
        public var rounds: Int
        /// Entries improved by each round.
        public var updates: [Int]
    }

    /// For each row of `vectors`, its `neighbours` most similar other rows by cosine, best first.
    public func nearest(_ vectors: FactorMatrix, neighbours: Int,
                        progress: (String) -> Void = { _ in }) -> (lists: [[Neighbour]], report: Report) {
        let rows = vectors.rows
        guard rows > 1 else { return ([[Neighbour]](repeating: [], count: rows), Report(rounds: 0, updates: [])) }
        let unit = FactorSimilarity.normalised(vectors)
        let degree = min(self.degree, rows - 1)
        let heaps = NeighbourHeaps(rows: rows, degree: degree)
        seedFromTrees(unit, heaps: heaps)
        fillFromRandomRows(unit, heaps: heaps)
        var updates: [Int] = []
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<maxRounds {
            let changed = descend(unit, heaps: heaps, round: round)
            updates.append(changed)
            progress("  round \(round + 1): \(changed) neighbours improved (\(String(format: "%.1f", (clock.now - start).inSeconds)) s)")
            if Double(changed) < stopFraction * Double(rows) * Double(degree) { break }
        }
        let wanted = min(neighbours, degree)
        var lists = [[Neighbour]](repeating: [], count: rows)
        lists.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            Parallel.forEachShare(of: rows, workers: threads) { range, _ in
                for row in range { output[row] = Array(heaps.sorted(row).prefix(wanted)) }
            }
        }
        return (lists, Report(rounds: updates.count, updates: updates))
    }

    // MARK: - Seeding from random-projection trees

    /// Every pair within each leaf of `trees` random-projection trees (each split by the hyperplane between two
    /// random rows, which on unit vectors separates by angle).
    func seedFromTrees(_ unit: FactorMatrix, heaps: NeighbourHeaps) {
        let rows = unit.rows, width = unit.stride
        for tree in 0..<trees {
            var random = SeededGenerator(seed: seed, stream: 0x7EE0 &+ UInt64(tree))
            var order = (0..<rows).map { Int32($0) }
            var leaves: [Range<Int>] = []
            var pending: [Range<Int>] = [0..<rows]
            var normal = [Float](repeating: 0, count: width)
            var side = [Bool](repeating: false, count: rows)
            while let range = pending.popLast() {
                if range.count <= leafSize { leaves.append(range); continue }
                let first = Int(order[range.lowerBound + random.below(range.count)])
                var second = Int(order[range.lowerBound + random.below(range.count)])
                if second == first { second = Int(order[range.lowerBound + (range.count > 1 ? 1 : 0)]) }
                let a = unit.row(first), b = unit.row(second)
                for k in 0..<width { normal[k] = a[k] - b[k] }
                var left = 0
                normal.withUnsafeBufferPointer { plane in
                    for position in range {
                        let goesLeft = VectorKernels.dot(unit.row(Int(order[position])), plane.baseAddress!, width) > 0
                        side[position] = goesLeft
                        if goesLeft { left += 1 }
                    }
                }
                // A hyperplane that separates nothing (duplicates, zero vectors) is replaced by a random halving.
                if left == 0 || left == range.count {
                    for position in range { side[position] = random.below(2) == 0 }
                    left = range.filter { side[$0] }.count
                    if left == 0 || left == range.count { leaves.append(range); continue }
                }
                var write = range.lowerBound
                let leftItems = range.filter { side[$0] }.map { order[$0] }
                let rightItems = range.filter { !side[$0] }.map { order[$0] }
                for item in leftItems { order[write] = item; write += 1 }
                for item in rightItems { order[write] = item; write += 1 }
                pending.append(range.lowerBound..<(range.lowerBound + left))
                pending.append((range.lowerBound + left)..<range.upperBound)
            }
            // Leaves can be large when the splits keep failing; a leaf is compared in windows of `leafSize`.
            var windows: [Range<Int>] = []
            for leaf in leaves {
                var start = leaf.lowerBound
                while start < leaf.upperBound { windows.append(start..<min(leaf.upperBound, start + leafSize)); start += leafSize }
            }
            let frozenOrder = order, frozenWindows = windows
            let batches = Parallel.collectShares(of: windows.count, workers: threads) { range -> CandidateUpdates in
                var updates = CandidateUpdates()
                for window in frozenWindows[range] {
                    for i in window {
                        let p = Int(frozenOrder[i])
                        for j in (i + 1)..<window.upperBound {
                            let q = Int(frozenOrder[j])
                            let score = VectorKernels.dot(unit.row(p), unit.row(q), width)
                            if heaps.wouldTake(p, q, score) || heaps.wouldTake(q, p, score) {
                                updates.append(p, q, score)
                            }
                        }
                    }
                }
                return updates
            }
            _ = apply(batches, to: heaps)
        }
    }

    /// A row the trees left with free slots (alone in its leaves) gets seeded random rows, as PyNNDescent does, so
    /// the descent has somewhere to start from. Each worker writes its own rows; each row draws from its own stream.
    func fillFromRandomRows(_ unit: FactorMatrix, heaps: NeighbourHeaps) {
        let rows = unit.rows, width = unit.stride
        Parallel.forEachShare(of: rows, workers: threads) { range, _ in
            for row in range where heaps.ids[row * heaps.degree] == -1 {
                var random = SeededGenerator(seed: seed, stream: 0xF111 &+ UInt64(row))
                for _ in 0..<(2 * heaps.degree) {
                    let other = random.below(rows)
                    guard other != row else { continue }
                    _ = heaps.insert(row, other, VectorKernels.dot(unit.row(row), unit.row(other), width))
                }
            }
        }
    }

    // MARK: - One NN-descent round

    /// Samples each row's new and old candidates (its own and reverse neighbours), compares new with new and new with
    /// old through every row, and returns how many heap entries improved.
    func descend(_ unit: FactorMatrix, heaps: NeighbourHeaps, round: Int) -> Int {
        let rows = unit.rows, width = unit.stride
        let fresh = CandidateLists(rows: rows, capacity: maxCandidates)
        let old = CandidateLists(rows: rows, capacity: maxCandidates)
        let roundSeed = seed &+ UInt64(round) &* 0x9E37_79B9_7F4A_7C15
        // Every worker reads every row's list but files a candidate only into the rows of its own share.
        Parallel.forEachShare(of: rows, workers: threads) { mine, _ in
            for row in 0..<rows {
                for slot in 0..<heaps.degree {
                    let item = Int(heaps.ids[row * heaps.degree + slot])
                    guard item >= 0 else { continue }
                    let priority = Self.priority(roundSeed, row, item)
                    let lists = heaps.isNew[row * heaps.degree + slot] != 0 ? fresh : old
                    if mine.contains(row) { lists.offer(row, item: Int32(item), priority: priority) }
                    if mine.contains(item) { lists.offer(item, item: Int32(row), priority: priority) }
                }
            }
        }
        // Entries sampled as new are old from now on; the rest stay new for a later round.
        Parallel.forEachShare(of: rows, workers: threads) { range, _ in
            for row in range {
                for slot in 0..<heaps.degree where heaps.isNew[row * heaps.degree + slot] != 0 {
                    if fresh.contains(row, heaps.ids[row * heaps.degree + slot]) { heaps.isNew[row * heaps.degree + slot] = 0 }
                }
            }
        }
        // Rows in blocks, so the pending improvements stay bounded whatever the catalogue's size: at most about
        // 400 MB of pairs (12 bytes each, up to 1.5 × maxCandidates² per row).
        var changed = 0
        let block = max(256, 400_000_000 / (18 * maxCandidates * maxCandidates))
        var blockStart = 0
        while blockStart < rows {
            let blockRows = blockStart..<min(rows, blockStart + block)
            let batches = Parallel.collectShares(of: blockRows.count, workers: threads) { range -> CandidateUpdates in
                var updates = CandidateUpdates()
                for offset in range {
                    let row = blockRows.lowerBound + offset
                    let newCount = fresh.count(row), oldCount = old.count(row)
                    for i in 0..<newCount {
                        let p = Int(fresh.item(row, i))
                        for j in (i + 1)..<max(i + 1, newCount) {
                            let q = Int(fresh.item(row, j))
                            let score = VectorKernels.dot(unit.row(p), unit.row(q), width)
                            if heaps.wouldTake(p, q, score) || heaps.wouldTake(q, p, score) { updates.append(p, q, score) }
                        }
                        for j in 0..<oldCount {
                            let q = Int(old.item(row, j))
                            guard q != p else { continue }
                            let score = VectorKernels.dot(unit.row(p), unit.row(q), width)
                            if heaps.wouldTake(p, q, score) || heaps.wouldTake(q, p, score) { updates.append(p, q, score) }
                        }
                    }
                }
                return updates
            }
            changed += apply(batches, to: heaps)
            blockStart = blockRows.upperBound
        }
        return changed
    }

    /// Applies pairs in both directions; each worker writes only the rows of its own share.
    func apply(_ batches: [CandidateUpdates], to heaps: NeighbourHeaps) -> Int {
        let counts = Parallel.collectShares(of: heaps.rows, workers: threads) { mine -> Int in
            var changed = 0
            for batch in batches {
                for index in 0..<batch.count {
                    let p = Int(batch.first[index]), q = Int(batch.second[index]), score = batch.scores[index]
                    if mine.contains(p), heaps.insert(p, q, score) { changed += 1 }
                    if mine.contains(q), heaps.insert(q, p, score) { changed += 1 }
                }
            }
            return changed
        }
        return counts.reduce(0, +)
    }

    @inline(__always)
    static func priority(_ seed: UInt64, _ a: Int, _ b: Int) -> UInt32 {
        var z = seed ^ (UInt64(truncatingIfNeeded: a) &* 0xBF58_476D_1CE4_E5B9) ^ (UInt64(truncatingIfNeeded: b) &* 0x94D0_49BB_1331_11EB)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: z ^ (z >> 31))
    }
}

/// Pairs found better than a current neighbour of either side, waiting to be applied.
struct CandidateUpdates: Sendable {
    var first: [Int32] = []
    var second: [Int32] = []
    var scores: [Float] = []
    var count: Int { scores.count }
    mutating func append(_ p: Int, _ q: Int, _ score: Float) {
        first.append(Int32(p)); second.append(Int32(q)); scores.append(score)
    }
}

/// Every row's current neighbours as a bounded min-heap (worst at the top), in flat buffers.
final class NeighbourHeaps: @unchecked Sendable {
    let rows: Int
    let degree: Int
    let ids: UnsafeMutablePointer<Int32>
    let scores: UnsafeMutablePointer<Float>
    /// 1 while an entry has not yet been sampled as a new candidate.
    let isNew: UnsafeMutablePointer<UInt8>

    init(rows: Int, degree: Int) {
        self.rows = rows
        self.degree = degree
        ids = .allocate(capacity: rows * degree)
        ids.initialize(repeating: -1, count: rows * degree)
        scores = .allocate(capacity: rows * degree)
        scores.initialize(repeating: -.infinity, count: rows * degree)
        isNew = .allocate(capacity: rows * degree)
        isNew.initialize(repeating: 0, count: rows * degree)
    }

    deinit { ids.deallocate(); scores.deallocate(); isNew.deallocate() }

    /// `a` ranks below `b` (an empty slot, id -1 and score -∞, below everything).
    @inline(__always) static func worse(_ aScore: Float, _ aItem: Int32, _ bScore: Float, _ bItem: Int32) -> Bool {
        aScore < bScore || (aScore == bScore && (aItem == -1 ? bItem != -1 : (bItem != -1 && aItem > bItem)))
    }

    /// Whether `item` at `score` would enter `row`'s heap now (ignoring whether it is there already).
    @inline(__always) func wouldTake(_ row: Int, _ item: Int, _ score: Float) -> Bool {
        let top = row * degree
        return Self.worse(scores[top], ids[top], score, Int32(item))
    }

    @inline(__always) func insert(_ row: Int, _ item: Int, _ score: Float) -> Bool {
        let base = row * degree
        let candidate = Int32(item)
        guard Self.worse(scores[base], ids[base], score, candidate) else { return false }
        for slot in 0..<degree where ids[base + slot] == candidate { return false }
        scores[base] = score; ids[base] = candidate; isNew[base] = 1
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < degree, Self.worse(scores[base + left], ids[base + left], scores[base + smallest], ids[base + smallest]) { smallest = left }
            if right < degree, Self.worse(scores[base + right], ids[base + right], scores[base + smallest], ids[base + smallest]) { smallest = right }
            if smallest == parent { return true }
            swapAt(base + parent, base + smallest)
            parent = smallest
        }
    }

    @inline(__always) private func swapAt(_ a: Int, _ b: Int) {
        swap(&ids[a], &ids[b]); swap(&scores[a], &scores[b]); swap(&isNew[a], &isNew[b])
    }

    /// A row's neighbours, best first.
    func sorted(_ row: Int) -> [Neighbour] {
        let base = row * degree
        return (0..<degree).compactMap { slot -> Neighbour? in
            ids[base + slot] < 0 ? nil : Neighbour(item: ids[base + slot], score: scores[base + slot])
        }.sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
    }
}

/// Per row, at most `capacity` candidates: those of lowest priority among the offered (a seeded sample).
final class CandidateLists: @unchecked Sendable {
    let capacity: Int
    let items: UnsafeMutablePointer<Int32>
    let priorities: UnsafeMutablePointer<UInt32>
    let counts: UnsafeMutablePointer<Int32>

    init(rows: Int, capacity: Int) {
        self.capacity = capacity
        items = .allocate(capacity: rows * capacity)
        items.initialize(repeating: -1, count: rows * capacity)
        priorities = .allocate(capacity: rows * capacity)
        priorities.initialize(repeating: 0, count: rows * capacity)
        counts = .allocate(capacity: rows)
        counts.initialize(repeating: 0, count: rows)
    }

    deinit { items.deallocate(); priorities.deallocate(); counts.deallocate() }

    @inline(__always) func count(_ row: Int) -> Int { Int(counts[row]) }
    @inline(__always) func item(_ row: Int, _ index: Int) -> Int32 { items[row * capacity + index] }

    func contains(_ row: Int, _ item: Int32) -> Bool {
        let base = row * capacity
        for index in 0..<Int(counts[row]) where items[base + index] == item { return true }
        return false
    }

    /// Keeps the `capacity` lowest priorities; while full, the highest kept sits at index 0 (a max-heap).
    @inline(__always) func offer(_ row: Int, item: Int32, priority: UInt32) {
        let base = row * capacity
        let count = Int(counts[row])
        for index in 0..<count where items[base + index] == item { return }
        if count < capacity {
            // Fill, keeping the heap property by sifting up.
            var child = count
            items[base + child] = item; priorities[base + child] = priority
            counts[row] = Int32(count + 1)
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.ranksAbove(priorities[base + child], items[base + child], priorities[base + parent], items[base + parent]) else { return }
                swapAt(base + child, base + parent)
                child = parent
            }
            return
        }
        guard Self.ranksAbove(priorities[base], items[base], priority, item) else { return }
        items[base] = item; priorities[base] = priority
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < capacity, Self.ranksAbove(priorities[base + left], items[base + left], priorities[base + largest], items[base + largest]) { largest = left }
            if right < capacity, Self.ranksAbove(priorities[base + right], items[base + right], priorities[base + largest], items[base + largest]) { largest = right }
            if largest == parent { return }
            swapAt(base + parent, base + largest)
            parent = largest
        }
    }

    /// Higher priority value (or, on a tie, higher item) sits nearer the top: it is evicted first.
    @inline(__always) static func ranksAbove(_ aPriority: UInt32, _ aItem: Int32, _ bPriority: UInt32, _ bItem: Int32) -> Bool {
        aPriority > bPriority || (aPriority == bPriority && aItem > bItem)
    }

    @inline(__always) private func swapAt(_ a: Int, _ b: Int) {
        swap(&items[a], &items[b]); swap(&priorities[a], &priorities[b])
    }
}
