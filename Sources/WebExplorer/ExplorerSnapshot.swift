import CatalogStore
import Dispatch
import Foundation
import NIOCore
import Recommenders

/// Everything the pages and the API show, in memory, between two publications of the catalogue: models, their
/// lists as integer arrays, and each model's HTML fragments rendered once. A request assembles ready bytes; no
/// SQL, no template interpretation. Immutable: a new publication builds a new snapshot beside this one.
public final class ExplorerSnapshot: Sendable {
    /// One algorithm's carousel: its heading fragment and every model's list.
    struct Carousel: Sendable {
        var info: AlgorithmInfo
        var algorithm: CarouselAlgorithm
        var label: String
        var open: [UInt8]
        var close: [UInt8]
        /// `{"algorithm":…,"title":…,"recommendations":[` for the API.
        var jsonOpen: [UInt8]
        var lists: CatalogSnapshotSource.Lists

        func list(of model: Int32) -> ArraySlice<Int32> {
            lists.items[entries(of: model)]
        }

        /// Positions of the model's list in `lists`' arrays.
        func entries(of model: Int32) -> Range<Int> {
            Int(lists.offsets[Int(model)])..<Int(lists.offsets[Int(model) + 1])
        }
    }

    public let generation: Int64
    /// Changes with the catalogue's generation and with the templates: the base of every ETag.
    public let tag: String
    let models: [ModelSummary]
    let index: [String: Int32]
    let carried: [[FeatureKey]]
    let suggested: [[FeatureKey]]
    let featureModels: [FeatureKey: [Int32]]
    let carousels: [Carousel]
    let articles: FragmentTable
    /// A carousel's card in two parts, around the per-page marks and "why this?": up to the name, and the rest.
    let carouselCardHeads: FragmentTable
    let carouselCardTails: FragmentTable
    let gridCards: FragmentTable
    /// The baselines' disclosure, around their carousels.
    let baselinesOpen: [UInt8]
    let baselinesClose: [UInt8]
    /// WRMF's item factors, for "For you" from a visitor's likes; nil until `train` stored them.
    let foldIn: FoldInRecommender?
    /// Marks, agreement lines and the pieces of "why this?" for the model page.
    let comparison: CarouselComparison
    /// The algorithm whose factors `foldIn` holds.
    let foldInAlgorithm: String
    let evaluation: [UInt8]
    let pickerOptions: [UInt8]
    /// The picker's options with one model selected, for the models it lists.
    let pickerSelected: [Int32: [UInt8]]
    let home: [UInt8]
    let about: [UInt8]
    /// Each model as the API shows it, encoded once.
    let modelJSON: FragmentTable
    let algorithmsJSON: [UInt8]
    /// Every model, most liked first: the order of search results and of the home page's grid.
    let searchOrder: [Int32]
    let foldedNames: [[UInt8]]
    let trigrams: [UInt32: [Int32]]

    public var modelCount: Int { models.count }

    init(_ source: CatalogSnapshotSource, renderer: PageRenderer, algorithmDescriptions: [(name: String, title: String, description: String)],
         workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        generation = source.generation
        tag = "\(source.generation)-\(String(renderer.fingerprint, radix: 36))"
        let models = source.models
        self.models = models
        var index: [String: Int32] = [:]
        index.reserveCapacity(models.count)
        for (position, model) in models.enumerated() { index[model.mid] = Int32(position) }
        self.index = index
        carried = source.carried
        suggested = source.suggested
        featureModels = source.featureModels

        // Cards fill a skeleton (no template interpretation per model); each model's block, with its loops over
        // tags, is rendered by the template engine, on every core.
        let gridSkeleton = try PageSkeleton(renderer: renderer, template: "grid-card", slots: ["mid", "thumbnail", "name", "url"])
        let carouselSkeleton = try PageSkeleton(renderer: renderer, template: "carousel-card", slots: ["mid", "thumbnail", "name", "url", "extras"])
        var gridBuilder = FragmentTable.Builder()
        var headBuilder = FragmentTable.Builder(), tailBuilder = FragmentTable.Builder()
        var buffer = ByteBufferAllocator().buffer(capacity: 2048)
        func fill(_ skeleton: PageSkeleton, _ values: [String], into builder: inout FragmentTable.Builder) {
            buffer.clear()
            skeleton.write(into: &buffer) { slot, buffer in buffer.writeString(values[slot]) }
            builder.append(buffer.readableBytesView)
        }
        for model in models {
            let values = [model.mid, PageViews.safeThumbnail(model.thumbnailURL), model.name, model.url].map(HTML.escape)
            fill(gridSkeleton, values, into: &gridBuilder)
            buffer.clear()
            var split = 0
            carouselSkeleton.write(into: &buffer) { slot, buffer in
                if slot < values.count { buffer.writeString(values[slot]) } else { split = buffer.readableBytes }
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
        articles = try Self.renderInParallel(count: models.count, workers: workers) { position in
            Array(try renderer.render("model-article", PageViews.article(
                models[position], carried: source.carried[position], suggested: source.suggested[position])).utf8)
        }
        var jsonBuilder = FragmentTable.Builder()
        for model in models { jsonBuilder.append(Self.encodeModel(model)) }
        modelJSON = jsonBuilder.build()
        var algorithms = ByteBuffer()
        algorithms.writeString("{\"algorithms\":[")
        for (position, info) in source.algorithms.enumerated() {
            if position > 0 { algorithms.writeString(",") }
            algorithms.writeStaticString("{")
            JSONBody.writeField("algorithm", info.algorithm, first: true, into: &algorithms)
            JSONBody.writeField("title", info.title, into: &algorithms)
            JSONBody.writeField("description", info.description, into: &algorithms)
            algorithms.writeString(",\"displayOrder\":\(info.displayOrder)")
            JSONBody.writeField("trainedAt", info.trainedAt, into: &algorithms)
            algorithms.writeString(",\"trainSeconds\":\(info.trainSeconds.isFinite ? String(info.trainSeconds) : "0")")
            JSONBody.writeField("parameters", info.parameters, into: &algorithms)
            algorithms.writeString("}")
        }
        algorithms.writeString("]}")
        algorithmsJSON = Array(algorithms.readableBytesView)

        carousels = try source.algorithms.compactMap { info in
            guard let lists = source.lists[info.algorithm] else { return nil }
            let label = PageViews.descriptorLabel(algorithm: info.algorithm, parameters: info.parameters)
            let frame = try PageSkeleton.around(renderer: renderer, template: "carousel", slot: "cards",
                                                fixed: ["title": info.title, "algorithm": label])
            var json = ByteBuffer()
            json.writeStaticString("{")
            JSONBody.writeField("algorithm", info.algorithm, first: true, into: &json)
            JSONBody.writeField("title", info.title, into: &json)
            json.writeStaticString(",\"recommendations\":[")
            return Carousel(info: info, algorithm: CarouselAlgorithm(name: info.algorithm), label: label, open: frame.open,
                            close: frame.close, jsonOpen: Array(json.readableBytesView), lists: lists)
        }

        comparison = CarouselComparison(carousels: carousels, models: models, carried: source.carried)
        (baselinesOpen, baselinesClose) = try PageSkeleton.around(renderer: renderer, template: "baselines", slot: "carousels")
        foldIn = source.foldIn.map {
            FoldInRecommender(vectors: $0.vectors, factors: $0.factors, known: $0.known, regularization: $0.regularization, alpha: $0.alpha)
        }
        foldInAlgorithm = source.foldIn?.algorithm ?? "popularity"
        evaluation = Array(try renderer.render("evaluation", EvaluationView.context(source.evaluation)).utf8)

        let pickerModels = source.picker.map { models[Int($0)] }
        let options = try renderer.render("picker-options", PageViews.pickerOptionsContext(pickerModels))
        pickerOptions = Array(options.utf8)
        var selected: [Int32: [UInt8]] = [:]
        for model in source.picker {
            selected[model] = Array(PageViews.markSelected(models[Int(model)].mid, in: options).utf8)
        }
        pickerSelected = selected
        let searchOrder = (0..<Int32(models.count)).sorted { a, b in
            let left = models[Int(a)], right = models[Int(b)]
            return left.likeCount != right.likeCount ? left.likeCount > right.likeCount : left.mid < right.mid
        }
        self.searchOrder = searchOrder
        let popular = searchOrder.prefix(24).map { String(decoding: gridTable[Int($0)], as: UTF8.self) }.joined()
        home = Array(try renderer.render("home", PageViews.home(picker: options, popular: popular)).utf8)
        let known = Set(algorithmDescriptions.map(\.name))
        var entries = algorithmDescriptions.map { description in
            (name: description.name, title: description.title, description: description.description,
             trained: source.algorithms.first { $0.algorithm == description.name })
        }
        for run in source.algorithms where !known.contains(run.algorithm) {
            entries.append((name: run.algorithm, title: run.title, description: run.description, trained: run))
        }
        about = Array(try renderer.render("about", PageViews.about(entries)).utf8)
        let foldedNames = models.map { Array(ModelNameIndex.fold($0.name).utf8) }
        self.foldedNames = foldedNames
        trigrams = Self.trigramIndex(foldedNames: foldedNames, searchOrder: searchOrder)
    }

    func model(_ mid: String) -> Int32? { index[mid] }

    /// Renders `count` fragments on every core into one table, in order; the first error stops the load.
    static func renderInParallel(count: Int, workers requested: Int, _ render: @Sendable (Int) throws -> [UInt8]) throws -> FragmentTable {
        let workers = max(1, min(requested, 8))
        let parts = Mutex([FragmentTable.Builder?](repeating: nil, count: workers))
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part = FragmentTable.Builder()
            do {
                for position in (worker * count / workers)..<((worker + 1) * count / workers) { part.append(try render(position)) }
            } catch {
                failure.withLock { $0 = $0 ?? error }
                return
            }
            parts.withLock { $0[worker] = part }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var whole = FragmentTable.Builder()
        for part in parts.withLock({ $0 }) { if let part { whole.append(contentsOf: part) } }
        return whole.build()
    }

    static func encodeModel(_ model: ModelSummary) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("mid", model.mid, first: true, into: &buffer)
        JSONBody.writeField("name", model.name, into: &buffer)
        JSONBody.writeField("url", model.url, into: &buffer)
        buffer.writeStaticString(",\"thumbnail\":")
        let thumbnail = PageViews.safeThumbnail(model.thumbnailURL)
        if thumbnail == PageViews.placeholderThumbnail { buffer.writeString("null") } else { JSONBody.writeString(thumbnail, into: &buffer) }
        buffer.writeString(",\"likes\":\(model.likeCount)}")
        return Array(buffer.readableBytesView)
    }

    /// `GET /api/v1/models/{mid}`: the model, its tags and categories, and the tags suggested for it.
    func modelDetailJSON(_ model: Int32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeString("{\"model\":")
        modelJSON.write(model, into: &buffer)
        for (field, kind, list) in [("tags", "tag", carried[Int(model)]), ("categories", "category", carried[Int(model)]),
                                    ("suggestedTags", "tag", suggested[Int(model)])] {
            buffer.writeString(",\"\(field)\":[")
            for (position, feature) in list.filter({ $0.kind == kind }).enumerated() {
                if position > 0 { buffer.writeString(",") }
                JSONBody.writeString(feature.value, into: &buffer)
            }
            buffer.writeString("]")
        }
        buffer.writeString("}")
        return Array(buffer.readableBytesView)
    }

    /// Models whose names contain every word of `query`: names starting with the query first, then by likes.
    /// Candidates come from the rarest three-byte sequence of the query's words (every name holding the words holds
    /// it), so a query looks at a few hundred names instead of all of them.
    func search(_ query: String, limit: Int) -> [Int32] {
        let folded = ModelNameIndex.fold(query)
        let words = folded.split(whereSeparator: { $0.isWhitespace }).map { Array($0.utf8) }
        guard !words.isEmpty, limit > 0 else { return [] }
        let prefix = Array(words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ").utf8)
        var starting: [Int32] = [], containing: [Int32] = []
        func consider(_ model: Int32) -> Bool {
            let name = foldedNames[Int(model)]
            guard words.allSatisfy({ ModelNameIndex.contains(name, $0) }) else { return true }
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

    static func trigram(_ bytes: [UInt8], _ start: Int) -> UInt32 {
        UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2])
    }

    /// Every three-byte sequence of the folded names → the ranks (positions in `searchOrder`) of the names that
    /// hold it, ascending.
    static func trigramIndex(foldedNames: [[UInt8]], searchOrder: [Int32]) -> [UInt32: [Int32]] {
        var index: [UInt32: [Int32]] = [:]
        for (rank, model) in searchOrder.enumerated() {
            let name = foldedNames[Int(model)]
            guard name.count >= 3 else { continue }
            var seen = Set<UInt32>()
            for start in 0...(name.count - 3) where seen.insert(trigram(name, start)).inserted {
                index[trigram(name, start), default: []].append(Int32(rank))
            }
        }
        return index
    }
}

/// The snapshot in use. Requests take the current one at their start and finish on it; a reload swaps in a new
/// one atomically, and the old one is freed when its last request ends.
public final class SnapshotHolder: Sendable {
    private let state: Mutex<ExplorerSnapshot>

    public init(_ snapshot: ExplorerSnapshot) { state = Mutex(snapshot) }

    public var current: ExplorerSnapshot { state.withLock { $0 } }

    func replace(with snapshot: ExplorerSnapshot) { state.withLock { $0 = snapshot } }
}

import Synchronization
