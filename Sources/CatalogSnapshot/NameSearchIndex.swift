import Foundation

/// Search by name: names folded to lower case without accents, and every three-byte sequence of them → the
/// ranks (positions in the search order) of the names holding it. A query's candidates come from the rarest
/// sequence of its words (every name holding the words holds it), so it looks at a few hundred names instead of
/// all of them; a byte scan over those takes well under a millisecond, where a full-text `rank` query is too
/// slow for a search box.
struct NameSearchIndex: Sendable {
    let foldedNames: [[UInt8]]
    let trigrams: [UInt32: [Int32]]

    init(names: [String], searchOrder: [Int32]) {
        let foldedNames = names.map { Array(Self.fold($0).utf8) }
        self.foldedNames = foldedNames
        var index: [UInt32: [Int32]] = [:]
        for (rank, model) in searchOrder.enumerated() {
            let name = foldedNames[Int(model)]
            guard name.count >= 3 else { continue }
            var seen = Set<UInt32>()
            for start in 0...(name.count - 3) where seen.insert(Self.trigram(name, start)).inserted {
                index[Self.trigram(name, start), default: []].append(Int32(rank))
            }
        }
        trigrams = index
    }

    /// Models whose names contain every word of `query`: names starting with the query first, then by likes.
    func search(_ query: String, limit: Int, searchOrder: [Int32]) -> [Int32] {
        let folded = Self.fold(query)
        let words = folded.split(whereSeparator: { $0.isWhitespace }).map { Array($0.utf8) }
        guard !words.isEmpty, limit > 0 else { return [] }
        let prefix = Array(words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ").utf8)
        var starting: [Int32] = [], containing: [Int32] = []
        func consider(_ model: Int32) -> Bool {
            let name = foldedNames[Int(model)]
            guard words.allSatisfy({ Self.contains(name, $0) }) else { return true }
            if name.starts(with: prefix) { starting.append(model) } else if containing.count < limit { containing.append(model) }
            return starting.count < limit
        }
        var rarest: [Int32]?
        for word in words where word.count >= 3 {
            for start in 0...(word.count - 3) {
                let list = trigrams[Self.trigram(word, start)] ?? []
                if rarest == nil || list.count < rarest!.count { rarest = list }
            }
        }
        if let rarest {
            for rank in rarest where !consider(searchOrder[Int(rank)]) { break }
        } else {
            for model in searchOrder where !consider(model) { break }
        }
        return Array((starting + containing).prefix(limit))
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    static func trigram(_ bytes: [UInt8], _ start: Int) -> UInt32 {
        UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2])
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
