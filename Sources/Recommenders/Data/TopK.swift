/// A scored neighbour in an item-to-item list.
public struct Neighbour: Equatable, Sendable {
    public var item: Int32
    public var score: Float
    public init(item: Int32, score: Float) { self.item = item; self.score = score }
}

/// Keeps the `capacity` best-scoring items seen, in a min-heap; ties go to the lower item index so results are
/// deterministic whatever order candidates arrive in.
public struct TopK {
    public let capacity: Int
    private var heap: [Neighbour] = []

    public init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// `a` ranks below `b`.
    @inline(__always) static func worse(_ a: Neighbour, _ b: Neighbour) -> Bool {
        a.score < b.score || (a.score == b.score && a.item > b.item)
    }

    @inline(__always)
    public mutating func insert(item: Int32, score: Float) {
        // Fast rejection: most candidates lose to the current worst kept score.
        if heap.count == capacity, capacity > 0, score < heap[0].score { return }
        let candidate = Neighbour(item: item, score: score)
        if heap.count < capacity {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if capacity > 0, Self.worse(heap[0], candidate) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// Best first.
    public func sorted() -> [Neighbour] {
        heap.sorted { Self.worse($1, $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.worse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, Self.worse(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.worse(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
