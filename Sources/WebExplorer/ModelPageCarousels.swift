import CatalogStore
import NIOCore

/// What the model page's comparison needs, worked out once per snapshot so a request only copies bytes: which
/// other carousels hold each suggestion, each model's agreement line, and the names and tags a "why this?"
/// sentence quotes, escaped.
struct CarouselComparison: Sendable {
    /// How many suggestions of each list count when comparing lists: the top 12, as many as a carousel shows.
    static let comparedTop = 12

    /// Per carousel, parallel to its lists' items: bit `c` set when carousel `c`'s top 12 for the same model holds
    /// the item too (carousels past the eighth are not marked).
    let marks: [[UInt8]]
    /// Per mark bits: the whole `<p class="also">…</p>` line (the same for every carousel).
    let markLines: [[UInt8]]
    /// Per carousel, per rank: the "why this?" button and the opening of its note, ids filled in.
    let whyOpenings: [[[UInt8]]]
    /// Per model: the agreement line of the leading carousels; empty when fewer than two have a list.
    let agreements: FragmentTable
    /// HTML-escaped model names.
    let names: FragmentTable
    /// Every tag and category, by id; per model the ids it carries, ascending.
    let features: [FeatureKey]
    let isCategory: [Bool]
    let featureText: [[UInt8]]
    let featureIDs: [[Int32]]

    init(carousels: [ExplorerSnapshot.Carousel], models: [ModelSummary], carried: [[FeatureKey]]) {
        var names = FragmentTable.Builder()
        for model in models { names.append(HTML.escape(model.name).utf8) }
        self.names = names.build()
        var ids: [FeatureKey: Int32] = [:]
        var features: [FeatureKey] = []
        featureIDs = carried.map { keys in
            keys.map { key in
                if let id = ids[key] { return id }
                ids[key] = Int32(features.count)
                features.append(key)
                return Int32(features.count - 1)
            }.sorted()
        }
        self.features = features
        isCategory = features.map { $0.kind == "category" }
        featureText = features.map { Array("“\(HTML.escape($0.value))”".utf8) }
        let marked = min(carousels.count, 8)
        let labels = carousels.map { "<span class=\"mark\">\(HTML.escape($0.algorithm.shortLabel))</span>" }
        let lines = (0..<(1 << marked)).map { (bits: Int) -> [UInt8] in
            guard bits != 0 else { return [] }
            let named: [String] = (0..<marked).filter { bits & (1 << $0) != 0 }.map { labels[$0] }
            return Array("<p class=\"also\">Also in \(named.joined())</p>".utf8)
        }
        markLines = lines
        let longest = carousels.map { carousel in
            (0..<Int32(models.count)).reduce(0) { max($0, carousel.entries(of: $1).count) }
        }
        whyOpenings = carousels.indices.map { index in
            (0..<longest[index]).map { (rank: Int) -> [UInt8] in
                let id = "why-\(index)-\(rank)"
                return Array("<button type=\"button\" class=\"why\" aria-expanded=\"false\" aria-controls=\"\(id)\">Why this?</button><p class=\"why-text\" id=\"\(id)\" role=\"note\">".utf8)
            }
        }

        var marks = carousels.map { [UInt8](repeating: 0, count: $0.lists.items.count) }
        var agreements = FragmentTable.Builder()
        for model in 0..<Int32(models.count) {
            let tops = carousels.map { $0.list(of: model).prefix(Self.comparedTop) }
            for (index, carousel) in carousels.enumerated() {
                for entry in carousel.entries(of: model) {
                    var bits: UInt8 = 0
                    for other in 0..<marked where other != index && tops[other].contains(carousel.lists.items[entry]) {
                        bits |= 1 << other
                    }
                    marks[index][entry] = bits
                }
            }
            let leading = carousels.indices.filter { !carousels[$0].algorithm.isBaseline && !tops[$0].isEmpty }
            agreements.append(leading.count < 2 ? [] : Self.agreement(leading.map { (carousels[$0].algorithm, Set(tops[$0])) }))
        }
        self.marks = marks
        self.agreements = agreements.build()
    }

    /// Ids of the tags and categories both models carry, ascending.
    func sharedFeatures(_ first: Int32, _ second: Int32) -> [Int32] {
        let left = featureIDs[Int(first)], right = featureIDs[Int(second)]
        var shared: [Int32] = []
        var i = 0, j = 0
        while i < left.count, j < right.count {
            if left[i] < right[j] { i += 1 } else if left[i] > right[j] { j += 1 } else { shared.append(left[i]); i += 1; j += 1 }
        }
        return shared
    }

    /// One line: how many models more than one leading list suggests, and the overlap of each pair.
    static func agreement(_ lists: [(algorithm: CarouselAlgorithm, members: Set<Int32>)]) -> [UInt8] {
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

extension ExplorerSnapshot {
    /// The model page below the model: how much the leading algorithms agree, their carousels (each card marked
    /// with the other carousels that suggest it too, and with why it was suggested), then the baselines behind a
    /// disclosure.
    func writeCarousels(of model: Int32, into buffer: inout ByteBuffer, noRecommendations: [UInt8]) {
        let shown = carousels.indices.filter { !carousels[$0].entries(of: model).isEmpty }
        guard !shown.isEmpty else { buffer.writeBytes(noRecommendations); return }
        comparison.agreements.write(model, into: &buffer)
        // Each card: its head, the marks line, the button and note's opening, the sentence, and its tail (which
        // closes the note): a handful of copies of ready bytes.
        func write(_ index: Int) {
            let carousel = carousels[index]
            buffer.writeBytes(carousel.open)
            let marks = comparison.marks[index], markLines = comparison.markLines, openings = comparison.whyOpenings[index]
            for (rank, entry) in carousel.entries(of: model).enumerated() {
                let item = carousel.lists.items[entry]
                carouselCardHeads.write(item, into: &buffer)
                if marks[entry] != 0 { buffer.writeBytes(markLines[Int(marks[entry])]) }
                buffer.writeBytes(openings[rank])
                Explanation.of(carousel.algorithm, lists: carousel.lists, entry: entry, from: model, snapshot: self)
                    .writeSentence(into: &buffer, comparison: comparison)
                carouselCardTails.write(item, into: &buffer)
            }
            buffer.writeBytes(carousel.close)
        }
        for index in shown where !carousels[index].algorithm.isBaseline { write(index) }
        let baselines = shown.filter { carousels[$0].algorithm.isBaseline }
        if !baselines.isEmpty {
            buffer.writeBytes(baselinesOpen)
            for index in baselines { write(index) }
            buffer.writeBytes(baselinesClose)
        }
    }
}
