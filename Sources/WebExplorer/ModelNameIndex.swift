import CatalogStore
import Foundation
import Synchronization

/// Search by name, in memory: a full-text `rank` query over ~30k names is too slow for a search box, while a
/// lower-cased substring scan of the same names takes well under a millisecond. Rebuilt from the store when
/// older than `maximumAge`, so a new import shows up within a minute.
final class ModelNameIndex: Sendable {
    struct Entry: Sendable {
        var model: ModelSummary
        /// The folded name's UTF-8 bytes: byte search with `memmem` is far faster than `String.contains`.
        var folded: [UInt8]
    }

    private let state = Mutex<(built: ContinuousClock.Instant, entries: [Entry])?>(nil)
    let maximumAge: Duration

    init(maximumAge: Duration = .seconds(60)) { self.maximumAge = maximumAge }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Models whose names contain every word of `query`; names starting with the query first, then by likes.
    func search(_ query: String, limit: Int, load: () async throws -> [ModelSummary]) async throws -> [ModelSummary] {
        let words = Self.fold(query).split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return [] }
        let now = ContinuousClock.now
        var entries = state.withLock { current -> [Entry]? in
            guard let current, now - current.built < maximumAge else { return nil }
            return current.entries
        }
        if entries == nil {
            let fresh = try await load().map { Entry(model: $0, folded: Array(Self.fold($0.name).utf8)) }
            state.withLock { $0 = (now, fresh) }
            entries = fresh
        }
        let wordBytes = words.map { Array($0.utf8) }
        let prefix = Array(words.joined(separator: " ").utf8)
        var starting: [ModelSummary] = [], containing: [ModelSummary] = []
        for entry in entries! where wordBytes.allSatisfy({ Self.contains(entry.folded, $0) }) {
            if entry.folded.starts(with: prefix) { starting.append(entry.model) } else { containing.append(entry.model) }
            if starting.count >= limit { break }
        }
        return Array((starting + containing).prefix(limit))
    }

    /// Naive byte search: names are a few dozen bytes, so nothing cleverer pays off.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let first = n[0], last = h.count - n.count
                var start = 0
                while start <= last {
                    if h[start] == first {
                        var matched = 1
                        while matched < n.count && h[start + matched] == n[matched] { matched += 1 }
                        if matched == n.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
