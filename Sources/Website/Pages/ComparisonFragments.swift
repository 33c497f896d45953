import AlgorithmIdentity
import CatalogSnapshot
import NIOCore

/// The model page's comparison as ready bytes, once per publication: the "Also in" line for each combination of
/// marks, the "why this?" button and note opening per carousel and rank, each model's agreement line, and the
/// names and tags a "why this?" sentence quotes, escaped.
struct ComparisonFragments: Sendable {
    /// Per mark bits: the whole `<p class="also">…</p>` line (the same for every carousel).
    let markLines: [[UInt8]]
    /// Per carousel, per rank: the "why this?" button and the opening of its note, ids filled in.
    let whyOpenings: [[[UInt8]]]
    /// Per model: the agreement line of the leading carousels; empty when fewer than two have a list.
    let agreements: FragmentTable
    /// HTML-escaped model names.
    let names: FragmentTable
    /// Per feature id of `CarouselOverlaps.features`: its value, quoted and escaped.
    let featureText: [[UInt8]]

    init(_ snapshot: CatalogSnapshot) {
        var names = FragmentTable.Builder()
        for model in snapshot.models { names.append(HTML.escape(model.name).utf8) }
        self.names = names.build()
        let overlaps = snapshot.overlaps
        featureText = overlaps.features.map { Array("“\(HTML.escape($0.value))”".utf8) }
        let carousels = snapshot.carousels
        let marked = min(carousels.count, CarouselOverlaps.markedCarousels)
        let labels = carousels.map { "<span class=\"mark\">\(HTML.escape($0.algorithm.shortLabel))</span>" }
        markLines = (0..<(1 << marked)).map { (bits: Int) -> [UInt8] in
            guard bits != 0 else { return [] }
            let named: [String] = (0..<marked).filter { bits & (1 << $0) != 0 }.map { labels[$0] }
            return Array("<p class=\"also\">Also in \(named.joined())</p>".utf8)
        }
        whyOpenings = carousels.indices.map { index in
            (0..<overlaps.longestList[index]).map { (rank: Int) -> [UInt8] in
                let id = "why-\(index)-\(rank)"
                return Array("<button type=\"button\" class=\"why\" aria-expanded=\"false\" aria-controls=\"\(id)\">Why this?</button><p class=\"why-text\" id=\"\(id)\" role=\"note\">".utf8)
            }
        }
        var agreements = FragmentTable.Builder()
        for model in 0..<Int32(snapshot.modelCount) {
            agreements.append(overlaps.leadingTops(of: model).map(Self.agreement) ?? [])
        }
        self.agreements = agreements.build()
    }

    /// One line: how many models more than one leading list suggests, and the overlap of each pair.
    static func agreement(_ lists: [(algorithm: Recommender, members: Set<Int32>)]) -> [UInt8] {
        var seen: [Int32: Int] = [:]
        for list in lists { for item in list.members { seen[item, default: 0] += 1 } }
        let shared = seen.values.filter { $0 > 1 }.count
        var pairs: [String] = []
        for first in lists.indices {
            for second in lists.indices where second > first {
                let overlap = lists[first].members.intersection(lists[second].members).count
                pairs.append("\(lists[first].algorithm.shortLabel) & \(lists[second].algorithm.shortLabel): \(overlap)")
            }
        }
        let verdict = switch Double(shared) / Double(max(1, seen.count)) {
        case 0: "they see this model differently"
        case ..<0.15: "they mostly disagree"
        case ..<0.4: "they partly agree"
        default: "they largely agree"
        }
        return Array(("<p class=\"agreement\"><strong>\(shared) of \(seen.count)</strong> suggested models appear in more than one of "
            + "these carousels: \(verdict) <span class=\"pairs\">(\(HTML.escape(pairs.joined(separator: " · "))))</span></p>\n").utf8)
    }
}
