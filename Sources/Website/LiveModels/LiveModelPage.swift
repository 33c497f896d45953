import CatalogSnapshot
import CatalogStore
import Foundation
import LiveModels
import NIOCore

/// The page of a model outside the catalogue: the usual layout, a notice that its suggestions were computed just
/// now, its carousels (cards lead into the catalogue), and a line for each carousel left out and why. Rendered per
/// request from a kept `LiveModel` (a live page is rare next to the catalogue's).
extension PageSkeletons {
    func writeLiveModelPage(_ live: LiveModel, of catalog: ServedCatalog, renderer: PageRenderer, into buffer: inout ByteBuffer) throws {
        let snapshot = catalog.snapshot, pages = catalog.pages
        let summary = ModelSummary(mid: live.mid, name: live.name, url: live.url, thumbnailURL: live.thumbnailURL, likeCount: live.likes)
        let carried = live.tags.map { FeatureKey(kind: .tag, value: $0) } + live.categories.map { FeatureKey(kind: .category, value: $0) }
        let article = try renderer.render("model-article", PageViews.article(summary, carried: carried, suggested: []))
        self.model.write(into: &buffer) { slot, buffer in
            switch slot {
            case .title: buffer.writeString(HTML.escape(live.name))
            case .pickerOptions: buffer.writeBytes(pages.pickerOptions)
            case .query, .link: break
            case .article: buffer.writeString(article)
            case .carousels: LiveModelPage.writeCarousels(live, snapshot: snapshot, pages: pages, into: &buffer)
            }
        }
    }
}

enum LiveModelPage {
    static func writeCarousels(_ live: LiveModel, snapshot: CatalogSnapshot, pages: PageFragments, into buffer: inout ByteBuffer) {
        var computed = ["its thumbnail"]
        if live.tagged != nil { computed.append("its tags") }
        if live.liked != nil { computed.append("its likers") }
        buffer.writeString("<p class=\"notice live\" role=\"status\">This model is not in the catalogue: its suggestions were computed just now from \(computed.count > 1 ? computed.dropLast().joined(separator: ", ") + " and " + computed.last! : computed[0]), against the catalogue’s models (read from Sketchfab \(readAt(live.fetchedAt))).</p>\n")
        var notes: [String] = []
        if let visual = live.visual, !visual.isEmpty {
            write(carousel: "Visually similar", label: "thumbnail features, cosine", id: "visual", visual, why: { String(format: "Its thumbnail looks alike: image similarity %.2f (1 is identical).", $0) },
                  snapshot: snapshot, pages: pages, into: &buffer)
        } else if let note = live.visualNote { notes.append(note) }
        if let liked = live.liked, !liked.isEmpty {
            let used = live.likersUsed ?? 0
            write(carousel: "Users who liked this also liked", label: "from \(used) of its likers the likes model knows", id: "likes", liked,
                  why: { String(format: "Liked by the same kind of people: %@ of its likers are in the likes model (cosine %.2f).", "\(used)", $0) },
                  snapshot: snapshot, pages: pages, into: &buffer)
        } else if let note = live.likesNote { notes.append(note) }
        if let tagged = live.tagged, !tagged.isEmpty {
            let used = live.featuresUsed == 1 ? "1 of its \(live.featuresTotal) tags and categories" : "\(live.featuresUsed) of its \(live.featuresTotal) tags and categories"
            write(carousel: "Likes + tags", label: "nearest to \(used), by the Likes + tags model", id: "tags", tagged,
                  why: { _ in "Near the tags and categories it carries, in the Likes + tags model." }, snapshot: snapshot, pages: pages, into: &buffer)
        } else {
            notes.append(live.featuresTotal == 0 ? "Likes + tags is left out: it carries no tags or categories."
                         : "Likes + tags is left out: the Likes + tags model knows none of its \(live.featuresTotal) tags and categories.")
        }
        for note in notes { buffer.writeString("<p class=\"left-out\">\(HTML.escape(note))</p>\n") }
    }

    /// "2026-12-05 21:00 UTC".
    static func readAt(_ date: Date) -> String {
        let text = ISO8601DateFormatter().string(from: date)  // 2026-12-05T21:00:51Z
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    static func write(carousel title: String, label: String, id: String, _ suggestions: [LiveModel.Suggestion],
                      why: (Float) -> String, snapshot: CatalogSnapshot, pages: PageFragments, into buffer: inout ByteBuffer) {
        let shown = suggestions.compactMap { suggestion in snapshot.model(suggestion.mid).map { ($0, suggestion.score) } }
        guard !shown.isEmpty else { return }
        // No data-algorithm: the page's script counts only the catalogue's pages, whose lists the server can check.
        buffer.writeString("<section class=\"carousel live\" aria-label=\"\(HTML.escape(title))\">\n  <h2>\(HTML.escape(title)) <small>\(HTML.escape(label))</small></h2>\n  <ul class=\"track\" tabindex=\"0\">\n")
        for (rank, (model, score)) in shown.enumerated() {
            pages.carouselCardHeads.write(model, into: &buffer)
            buffer.writeString("<button type=\"button\" class=\"why\" aria-expanded=\"false\" aria-controls=\"why-\(id)-\(rank)\">Why this?</button><p class=\"why-text\" id=\"why-\(id)-\(rank)\" role=\"note\">\(HTML.escape(why(score)))")
            pages.carouselCardTails.write(model, into: &buffer)
        }
        buffer.writeString("  </ul>\n</section>\n")
    }
}
