import Synchronization

/// Rendered HTML kept for a short while. Recommendations change only when `train` or `import` runs, so a page
/// that is at most `timeToLive` old is as good as a fresh one, and popular pages cost one render a minute.
public final class PageCache: Sendable {
    struct Entry {
        var html: String
        var expires: ContinuousClock.Instant
    }

    public let timeToLive: Duration
    public let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    public init(timeToLive: Duration = .seconds(60), capacity: Int = 2048,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.timeToLive = timeToLive
        self.capacity = capacity
        self.now = now
    }

    /// The cached page for `key`, or `render()`'s result, stored. A render that throws is not cached.
    public func page(_ key: String, render: () async throws -> String) async rethrows -> String {
        let instant = now()
        if let hit = entries.withLock({ $0[key] }), hit.expires > instant { return hit.html }
        let html = try await render()
        guard timeToLive > .zero, capacity > 0 else { return html }
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > instant }
                // Still full of live pages: drop half, arbitrary ones; they are cheap to render again.
                if entries.count >= capacity {
                    for key in entries.keys.prefix(entries.count / 2 + 1) { entries[key] = nil }
                }
            }
            entries[key] = Entry(html: html, expires: instant + timeToLive)
        }
        return html
    }

    public var count: Int { entries.withLock { $0.count } }
}
