import CatalogStore
import Foundation
import NIOCore

/// Everything the pages and the API show, in memory, between two publications of the catalogue: models, their
/// lists as integer arrays, and each model's HTML fragments rendered once. A request assembles ready bytes; no
/// SQL, no template interpretation. Immutable: a new publication builds a new snapshot beside this one.
public final class ExplorerSnapshot: Sendable {
    /// One algorithm's carousel: its heading fragment and every model's list.
    struct Carousel: Sendable {
        var info: AlgorithmInfo
        var label: String
        var open: [UInt8]
        var close: [UInt8]
        var lists: CatalogSnapshotSource.Lists

        func list(of model: Int32) -> ArraySlice<Int32> {
            lists.items[Int(lists.offsets[Int(model)])..<Int(lists.offsets[Int(model) + 1])]
        }

        func scores(of model: Int32) -> ArraySlice<Float> {
            lists.scores[Int(lists.offsets[Int(model)])..<Int(lists.offsets[Int(model) + 1])]
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
    let articles: [[UInt8]]
    let cards: [[UInt8]]
    let gridCards: [[UInt8]]
    let pickerOptions: [UInt8]
    /// The picker's options with one model selected, for the models it lists.
    let pickerSelected: [Int32: [UInt8]]
    let home: [UInt8]
    let about: [UInt8]
    /// Each model as the API shows it, encoded once.
    let modelJSON: [[UInt8]]
    let algorithmsJSON: [UInt8]
    /// Folded names for search, most liked first.
    let searchOrder: [Int32]
    let foldedNames: [[UInt8]]

    public var modelCount: Int { models.count }

    init(_ source: CatalogSnapshotSource, renderer: PageRenderer, algorithmDescriptions: [(name: String, title: String, description: String)]) throws {
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

        var articles: [[UInt8]] = [], cards: [[UInt8]] = [], gridCards: [[UInt8]] = []
        articles.reserveCapacity(models.count); cards.reserveCapacity(models.count); gridCards.reserveCapacity(models.count)
        for (position, model) in models.enumerated() {
            let card = PageViews.card(model)
            cards.append(Array(try renderer.render("card", card).utf8))
            gridCards.append(Array(try renderer.render("grid-card", card).utf8))
            articles.append(Array(try renderer.render("model-article", PageViews.article(
                model, carried: source.carried[position], suggested: source.suggested[position])).utf8))
        }
        self.articles = articles
        self.cards = cards
        self.gridCards = gridCards
        modelJSON = models.map(Self.encodeModel)
        var algorithms = ByteBuffer()
        algorithms.writeString("{\"algorithms\":[")
        for (position, info) in source.algorithms.enumerated() {
            if position > 0 { algorithms.writeString(",") }
            algorithms.writeString("{\"algorithm\":")
            JSONBody.writeString(info.algorithm, into: &algorithms)
            algorithms.writeString(",\"title\":")
            JSONBody.writeString(info.title, into: &algorithms)
            algorithms.writeString(",\"description\":")
            JSONBody.writeString(info.description, into: &algorithms)
            algorithms.writeString(",\"displayOrder\":\(info.displayOrder),\"trainedAt\":")
            JSONBody.writeString(info.trainedAt, into: &algorithms)
            algorithms.writeString(",\"trainSeconds\":\(info.trainSeconds.isFinite ? String(info.trainSeconds) : "0"),\"parameters\":")
            JSONBody.writeString(info.parameters, into: &algorithms)
            algorithms.writeString("}")
        }
        algorithms.writeString("]}")
        algorithmsJSON = Array(algorithms.readableBytesView)

        let cardsMarker = "\u{E000}cards\u{E001}"
        carousels = try source.algorithms.compactMap { info in
            guard let lists = source.lists[info.algorithm] else { return nil }
            let label = PageViews.descriptorLabel(algorithm: info.algorithm, parameters: info.parameters)
            let rendered = try renderer.render("carousel", ["title": info.title, "algorithm": label, "cards": cardsMarker])
            guard let split = rendered.range(of: cardsMarker) else { throw TemplateRenderingError(template: "carousel") }
            return Carousel(info: info, label: label, open: Array(rendered[..<split.lowerBound].utf8),
                            close: Array(rendered[split.upperBound...].utf8), lists: lists)
        }

        let pickerModels = source.picker.map { models[Int($0)] }
        let options = try renderer.render("picker-options", PageViews.pickerOptionsContext(pickerModels))
        pickerOptions = Array(options.utf8)
        var selected: [Int32: [UInt8]] = [:]
        for model in source.picker {
            selected[model] = Array((PageViews.picker(options, selected: models[Int(model)].mid)["pickerOptions"] as? String ?? options).utf8)
        }
        pickerSelected = selected
        home = Array(try renderer.render("home", PageViews.home(picker: options)).utf8)
        let known = Set(algorithmDescriptions.map(\.name))
        var entries = algorithmDescriptions.map { description in
            (name: description.name, title: description.title, description: description.description,
             trained: source.algorithms.first { $0.algorithm == description.name })
        }
        for run in source.algorithms where !known.contains(run.algorithm) {
            entries.append((name: run.algorithm, title: run.title, description: run.description, trained: run))
        }
        about = Array(try renderer.render("about", PageViews.about(entries)).utf8)
        searchOrder = (0..<Int32(models.count)).sorted { a, b in
            let left = models[Int(a)], right = models[Int(b)]
            return left.likeCount != right.likeCount ? left.likeCount > right.likeCount : left.mid < right.mid
        }
        foldedNames = models.map { Array(ModelNameIndex.fold($0.name).utf8) }
    }

    func model(_ mid: String) -> Int32? { index[mid] }

    static func encodeModel(_ model: ModelSummary) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeString("{\"mid\":")
        JSONBody.writeString(model.mid, into: &buffer)
        buffer.writeString(",\"name\":")
        JSONBody.writeString(model.name, into: &buffer)
        buffer.writeString(",\"url\":")
        JSONBody.writeString(model.url, into: &buffer)
        buffer.writeString(",\"thumbnail\":")
        let thumbnail = PageViews.safeThumbnail(model.thumbnailURL)
        if thumbnail == PageViews.placeholderThumbnail { buffer.writeString("null") } else { JSONBody.writeString(thumbnail, into: &buffer) }
        buffer.writeString(",\"likes\":\(model.likeCount)}")
        return Array(buffer.readableBytesView)
    }

    /// `GET /api/v1/models/{mid}`: the model, its tags and categories, and the tags suggested for it.
    func modelDetailJSON(_ model: Int32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeString("{\"model\":")
        buffer.writeBytes(modelJSON[Int(model)])
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
    func search(_ query: String, limit: Int) -> [Int32] {
        let words = ModelNameIndex.fold(query).split(whereSeparator: { $0.isWhitespace }).map { Array($0.utf8) }
        guard !words.isEmpty, limit > 0 else { return [] }
        let prefix = Array(ModelNameIndex.fold(query).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").utf8)
        var starting: [Int32] = [], containing: [Int32] = []
        for model in searchOrder {
            let name = foldedNames[Int(model)]
            guard words.allSatisfy({ ModelNameIndex.contains(name, $0) }) else { continue }
            if name.starts(with: prefix) { starting.append(model) } else if containing.count < limit { containing.append(model) }
            if starting.count >= limit { break }
        }
        return Array((starting + containing).prefix(limit))
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
