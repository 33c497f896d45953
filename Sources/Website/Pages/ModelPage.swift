import CatalogSnapshot
import NIOCore

extension PageSkeletons {
    /// A model's page: its block, the comparison and the carousels, the picker with the model selected. The same
    /// bytes answer `/models/{mid}` and fill the file `serve --static-pages` writes for nginx.
    func writeModelPage(_ model: Int32, of catalog: ServedCatalog, into buffer: inout ByteBuffer) {
        let snapshot = catalog.snapshot, pages = catalog.pages
        self.model.write(into: &buffer) { slot, buffer in
            switch slot {
            case .title: buffer.writeString(HTML.escape(snapshot.models[Int(model)].name))
            case .pickerOptions: buffer.writeBytes(pages.pickerSelected[model] ?? pages.pickerOptions)
            case .query, .link: break  // the search and link fields start empty
            case .article: pages.articles.write(model, into: &buffer)
            case .carousels: writeCarousels(of: model, catalog: catalog, into: &buffer)
            }
        }
    }

    /// The model page below the model: how much the leading algorithms agree, their carousels (each card marked
    /// with the other carousels that suggest it too, and with why it was suggested), then the baselines behind a
    /// disclosure.
    func writeCarousels(of model: Int32, catalog: ServedCatalog, into buffer: inout ByteBuffer) {
        let snapshot = catalog.snapshot, pages = catalog.pages, comparison = pages.comparison
        let carousels = snapshot.carousels
        let shown = carousels.indices.filter { !carousels[$0].entries(of: model).isEmpty }
        guard !shown.isEmpty else { buffer.writeBytes(noRecommendations); return }
        comparison.agreements.write(model, into: &buffer)
        // Each card: its head, the marks line, the button and note's opening, the sentence, and its tail (which
        // closes the note): a handful of copies of ready bytes.
        func write(_ index: Int) {
            let carousel = carousels[index]
            buffer.writeBytes(pages.carouselFrames[index].open)
            let marks = snapshot.overlaps.marks[index], markLines = comparison.markLines, openings = comparison.whyOpenings[index]
            for (rank, entry) in carousel.entries(of: model).enumerated() {
                let item = carousel.lists.items[entry]
                pages.carouselCardHeads.write(item, into: &buffer)
                if marks[entry] != 0 { buffer.writeBytes(markLines[Int(marks[entry])]) }
                buffer.writeBytes(openings[rank])
                snapshot.explanation(carousel: index, entry: entry, from: model)
                    .writeSentence(into: &buffer, overlaps: snapshot.overlaps, comparison: comparison)
                pages.carouselCardTails.write(item, into: &buffer)
            }
            buffer.writeBytes(pages.carouselFrames[index].close)
        }
        for index in shown where !carousels[index].isBaseline { write(index) }
        let baselines = shown.filter { carousels[$0].isBaseline }
        if !baselines.isEmpty {
            buffer.writeBytes(pages.baselinesOpen)
            for index in baselines { write(index) }
            buffer.writeBytes(pages.baselinesClose)
        }
    }
}

/// The page templates split once into literal bytes and slots (see `PageSkeleton`), with the fixed fragments the
/// pages add: made once per renderer, the same for every catalogue.
struct PageSkeletons: Sendable {
    enum ModelSlot: String, TemplateSlot { case title, pickerOptions, query, link, article, carousels }
    enum SearchSlot: String, TemplateSlot { case title, pickerOptions, query, link, heading, results }
    enum FeatureSlot: String, TemplateSlot { case title, heading, kind, cards }

    let model: PageSkeleton<ModelSlot>
    let search: PageSkeleton<SearchSlot>
    let feature: PageSkeleton<FeatureSlot>
    let noRecommendations: [UInt8]
    let searchEmpty: [UInt8]

    init(renderer: PageRenderer) throws {
        model = try PageSkeleton(renderer: renderer, template: "model")
        search = try PageSkeleton(renderer: renderer, template: "search")
        feature = try PageSkeleton(renderer: renderer, template: "feature")
        noRecommendations = Array(try renderer.render("no-recommendations", [:]).utf8)
        searchEmpty = Array(try renderer.render("search-empty", [:]).utf8)
    }
}
