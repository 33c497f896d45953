import CatalogSnapshot
import CatalogStore
import Foundation
import NIOCore
import ParallelWork

/// Every piece of HTML the pages copy, rendered once per publication from the snapshot: each model's block and
/// cards, the carousels' frames, the comparison's marks and agreement lines, the picker, and the pages that are the
/// same for every visitor (home, about, evaluation).
struct PageFragments: Sendable {
    /// A carousel's heading and closing around its cards.
    struct CarouselFrame: Sendable {
        var open: [UInt8]
        var close: [UInt8]
    }

    let articles: FragmentTable
    /// A carousel's card in two parts, around the per-page marks and "why this?": up to the name, and the rest.
    let carouselCardHeads: FragmentTable
    let carouselCardTails: FragmentTable
    let gridCards: FragmentTable
    /// Parallel to the snapshot's carousels.
    let carouselFrames: [CarouselFrame]
    /// The baselines' disclosure, around their carousels.
    let baselinesOpen: [UInt8]
    let baselinesClose: [UInt8]
    let comparison: ComparisonFragments
    /// `/evaluation` before and after its online section.
    let evaluation: (head: [UInt8], tail: [UInt8])
    /// The stored offline run's precision at 10 per algorithm, beside the online counts.
    let offlinePrecision: [String: Double]
    /// Each served carousel's title by algorithm name, for the visitor counts' tables.
    let carouselTitles: [String: String]
    static let onlineMarker = "<!--online-section-->"
    let pickerOptions: [UInt8]
    /// The picker's options with one model selected, for the models it lists.
    let pickerSelected: [Int32: [UInt8]]
    let home: [UInt8]
    let about: [UInt8]

    init(_ snapshot: CatalogSnapshot, renderer: PageRenderer, aboutAlgorithms: [AlgorithmDescription], workers: Int) throws {
        let models = snapshot.models
        // Cards fill a skeleton (no template interpretation per model); each model's block, with its loops over
        // tags, is rendered by the template engine, on every core.
        let gridSkeleton = try PageSkeleton<CardSlot>(renderer: renderer, template: "grid-card")
        let carouselSkeleton = try PageSkeleton<CardSlot>(renderer: renderer, template: "carousel-card")
        var gridBuilder = FragmentTable.Builder()
        var headBuilder = FragmentTable.Builder(), tailBuilder = FragmentTable.Builder()
        var buffer = ByteBufferAllocator().buffer(capacity: 2048)
        for model in models {
            let values = CardSlot.Values(model)
            buffer.clear()
            gridSkeleton.write(into: &buffer) { slot, buffer in values.write(slot, into: &buffer) }
            gridBuilder.append(buffer.readableBytesView)
            buffer.clear()
            var split = 0
            carouselSkeleton.write(into: &buffer) { slot, buffer in
                if slot == .extras { split = buffer.readableBytes } else { values.write(slot, into: &buffer) }
            }
            let whole = buffer.readableBytesView
            headBuilder.append(whole.prefix(split))
            // The tail closes the "why this?" note written before it.
            tailBuilder.append(Array("</p>".utf8) + whole.dropFirst(split))
        }
        carouselCardHeads = headBuilder.build()
        carouselCardTails = tailBuilder.build()
        let gridTable = gridBuilder.build()
        gridCards = gridTable
        articles = try FragmentTable.rendered(count: models.count, workers: workers) { position in
            Array(try renderer.render("model-article", PageViews.article(
                models[position], carried: snapshot.carried[position], suggested: snapshot.suggested[position])).utf8)
        }
        carouselFrames = try snapshot.carousels.map { carousel in
            let label = PageViews.descriptorLabel(algorithm: carousel.info.algorithm, parameters: carousel.info.parameters)
            let frame = try PageSkeleton<CarouselFrameSlot>.frame(renderer: renderer, template: "carousel",
                                                                  fixed: ["title": carousel.info.title, "algorithm": label,
                                                                          "name": carousel.info.algorithm,
                                                                          "broughtIn": carousel.algorithm.isImported,
                                                                          "description": carousel.info.description])
            return CarouselFrame(open: frame.open, close: frame.close)
        }
        comparison = ComparisonFragments(snapshot)
        (baselinesOpen, baselinesClose) = try PageSkeleton<BaselinesFrameSlot>.frame(renderer: renderer, template: "baselines")
        // "What visitors click" changes by the second: the page is kept as the bytes around its place.
        var evaluationContext = EvaluationView.context(snapshot.evaluation, tunings: snapshot.tunings)
        evaluationContext["online"] = Self.onlineMarker
        let evaluationPage = Array(try renderer.render("evaluation", evaluationContext).utf8)
        let marker = Array(Self.onlineMarker.utf8)
        let at = evaluationPage.firstRange(of: marker) ?? evaluationPage.endIndex..<evaluationPage.endIndex
        evaluation = (Array(evaluationPage[..<at.lowerBound]), Array(evaluationPage[at.upperBound...]))
        offlinePrecision = EvaluationView.precisionAtTen(snapshot.evaluation)
        carouselTitles = Dictionary(snapshot.carousels.map { ($0.info.algorithm, $0.info.title) }, uniquingKeysWith: { first, _ in first })

        let options = try renderer.render("picker-options", PageViews.pickerOptionsContext(snapshot.picker.map { models[Int($0)] }))
        pickerOptions = Array(options.utf8)
        var selected: [Int32: [UInt8]] = [:]
        for model in snapshot.picker {
            selected[model] = Array(PageViews.markSelected(models[Int(model)].mid, in: options).utf8)
        }
        pickerSelected = selected
        let popular = snapshot.searchOrder.prefix(24).map { String(decoding: gridTable[Int($0)], as: UTF8.self) }.joined()
        home = Array(try renderer.render("home", PageViews.home(picker: options, popular: popular)).utf8)
        let known = Set(aboutAlgorithms.map(\.name))
        var entries = aboutAlgorithms.map { description in
            (name: description.name, title: description.title, description: description.description,
             trained: snapshot.algorithms.first { $0.algorithm == description.name })
        }
        for run in snapshot.algorithms where !known.contains(run.algorithm) {
            entries.append((name: run.algorithm, title: run.title, description: run.description, trained: run))
        }
        about = Array(try renderer.render("about", PageViews.about(entries)).utf8)
    }
}

/// The slots of `grid-card` and `carousel-card`; `extras` (the carousel card's marks and "why this?") is where the
/// card splits into head and tail.
enum CardSlot: String, TemplateSlot {
    case mid, thumbnail, name, url, extras

    /// A model's values for the slots, HTML-escaped.
    struct Values {
        let mid, thumbnail, name, url: String

        init(_ model: ModelSummary) {
            mid = HTML.escape(model.mid)
            thumbnail = HTML.escape(PageViews.safeThumbnail(model.thumbnailURL))
            name = HTML.escape(model.name)
            url = HTML.escape(model.url)
        }

        func write(_ slot: CardSlot, into buffer: inout ByteBuffer) {
            switch slot {
            case .mid: buffer.writeString(mid)
            case .thumbnail: buffer.writeString(thumbnail)
            case .name: buffer.writeString(name)
            case .url: buffer.writeString(url)
            case .extras: break
            }
        }
    }
}

/// `carousel`'s one slot: the cards between its heading and its end.
enum CarouselFrameSlot: String, TemplateSlot { case cards }

/// `baselines`' one slot: the baselines' carousels inside the disclosure.
enum BaselinesFrameSlot: String, TemplateSlot { case carousels }

extension FragmentTable {
    /// Renders `count` fragments on `workers` threads into one table, in order; the first error stops the load.
    static func rendered(count: Int, workers requested: Int, _ render: @Sendable (Int) throws -> [UInt8]) throws -> FragmentTable {
        let parts = try Parallel.mapShares(of: count, workers: max(1, min(requested, 8))) { range in
            var part = FragmentTable.Builder()
            for position in range { part.append(try render(position)) }
            return part
        }
        var whole = FragmentTable.Builder()
        for part in parts { whole.append(contentsOf: part) }
        return whole.build()
    }
}
