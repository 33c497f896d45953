import NIOCore

extension ExplorerSnapshot {
    /// How many suggestions of each list count when comparing lists: the top 12, as many as a carousel shows.
    static let comparedTop = 12

    /// The model page below the model: how much the leading algorithms agree, their carousels (each card marked
    /// with the other carousels that suggest it too, and with why it was suggested), then the baselines behind a
    /// disclosure. Marks and reasons depend on the page, so they are written here around each card's fragments.
    func writeCarousels(of model: Int32, into buffer: inout ByteBuffer, noRecommendations: [UInt8]) {
        let shown = carousels.indices.filter { !carousels[$0].entries(of: model).isEmpty }
        guard !shown.isEmpty else { buffer.writeBytes(noRecommendations); return }
        let members = shown.map { Set(carousels[$0].list(of: model).prefix(Self.comparedTop)) }
        let leading = shown.indices.filter { !carousels[shown[$0]].algorithm.isBaseline }
        let baselines = shown.indices.filter { carousels[shown[$0]].algorithm.isBaseline }
        if leading.count >= 2 { writeAgreement(leading.map { (carousels[shown[$0]].algorithm, members[$0]) }, into: &buffer) }
        func write(_ position: Int) {
            let carousel = carousels[shown[position]]
            buffer.writeBytes(carousel.open)
            for (rank, entry) in carousel.entries(of: model).enumerated() {
                let item = carousel.lists.items[entry]
                carouselCardHeads.write(item, into: &buffer)
                let others = shown.indices.filter { $0 != position && members[$0].contains(item) }
                if !others.isEmpty {
                    buffer.writeStaticString("<p class=\"also\">Also in ")
                    for other in others {
                        buffer.writeStaticString("<span class=\"mark\">")
                        buffer.writeString(HTML.escape(carousels[shown[other]].algorithm.shortLabel))
                        buffer.writeStaticString("</span>")
                    }
                    buffer.writeStaticString("</p>")
                }
                let id = "why-\(shown[position])-\(rank)"
                buffer.writeString("<button type=\"button\" class=\"why\" aria-expanded=\"false\" aria-controls=\"\(id)\">Why this?</button>")
                buffer.writeString("<p class=\"why-text\" id=\"\(id)\" role=\"note\">")
                let reason = Explanation.of(carousel.algorithm, lists: carousel.lists, entry: entry, from: model, snapshot: self)
                buffer.writeString(HTML.escape(reason.sentence { models[Int($0)].name }))
                buffer.writeStaticString("</p>")
                carouselCardTails.write(item, into: &buffer)
            }
            buffer.writeBytes(carousel.close)
        }
        for position in leading { write(position) }
        if !baselines.isEmpty {
            buffer.writeBytes(baselinesOpen)
            for position in baselines { write(position) }
            buffer.writeBytes(baselinesClose)
        }
    }

    /// One line: how many models more than one leading list suggests, and the overlap of each pair.
    func writeAgreement(_ lists: [(algorithm: CarouselAlgorithm, members: Set<Int32>)], into buffer: inout ByteBuffer) {
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
        buffer.writeStaticString("<p class=\"agreement\"><strong>")
        buffer.writeString("\(shared) of \(seen.count)")
        buffer.writeStaticString("</strong> suggested models appear in more than one of these carousels: ")
        buffer.writeString(HTML.escape(verdict))
        buffer.writeStaticString(" <span class=\"pairs\">(")
        buffer.writeString(HTML.escape(pairs.joined(separator: " · ")))
        buffer.writeStaticString(")</span></p>\n")
    }
}
