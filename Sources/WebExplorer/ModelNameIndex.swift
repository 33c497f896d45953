import Foundation

/// Name folding and matching for search by name: a lower-cased, accent-free byte scan over ~30k names takes well
/// under a millisecond, where a full-text `rank` query is too slow for a search box.
enum ModelNameIndex {
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
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
