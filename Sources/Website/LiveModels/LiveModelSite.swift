import CatalogSnapshot
import CatalogStore
import Foundation
import LiveModels
import ParallelWork
import SketchfabAPI
import VisualFeatures

/// `serve --live-models`: how a server reads models outside the catalogue (see `LiveModels`), wired to the
/// catalogue it serves.
public struct LiveModelOptions: Sendable {
    public var sketchfab: SketchfabClientConfiguration
    /// Sketchfab's side of the wire: the live client, or the fake in tests.
    public var transport: HTTPTransport
    public var settings: LiveModelDirectory.Settings
    /// The descriptor the catalogue's visual carousel was trained with, by its stored name; nil when this server
    /// cannot describe images that way (its CNN weights are missing), which leaves "Visually similar" out.
    public var descriptor: @Sendable (String) -> VisualDescriptor?

    public init(sketchfab: SketchfabClientConfiguration, transport: HTTPTransport, settings: LiveModelDirectory.Settings = .init(),
                descriptor: @escaping @Sendable (String) -> VisualDescriptor? = { $0 == VisualDescriptor.classical.name ? .classical : nil }) {
        self.sketchfab = sketchfab
        self.transport = transport
        self.settings = settings
        self.descriptor = descriptor
    }
}

enum LiveModelSite {
    /// The directory a site answers live models from: the catalogue's image features loaded once (from the
    /// thumbnails folder and the feature cache), the Likes + tags lists read from the snapshot being served.
    static func directory(_ options: LiveModelOptions, holder: ServedCatalogHolder, store: CatalogStore?,
                          thumbnails: String?) throws -> (directory: LiveModelDirectory, images: CatalogImageIndex?, tags: TagFoldIn?) {
        let snapshot = holder.current.snapshot
        var images: CatalogImageIndex?
        if let store, let thumbnails, let visual = snapshot.carousels.first(where: { $0.algorithm == .known(.visual) }),
           let parameters = try? JSONSerialization.jsonObject(with: Data(visual.info.parameters.utf8)) as? [String: String],
           let name = parameters["descriptor"], let descriptor = options.descriptor(name) {
            images = try CatalogImageIndex.load(models: snapshot.models.map { ($0.mid, $0.thumbnailURL) },
                                                thumbnails: URL(fileURLWithPath: thumbnails, isDirectory: true),
                                                store: store, descriptor: descriptor)
            if images?.count == 0 { images = nil }
        }
        // Likes + tags as training builds an item, when `train` stored the model's vectors; else from its stored lists.
        var tagFoldIn: TagFoldIn?
        if let store, let tags = snapshot.carousels.first(where: { $0.algorithm == .known(.warpTags) }),
           let stored = try store.hybridVectors(algorithm: tags.info.algorithm) {
            tagFoldIn = TagFoldIn(stored, mids: try store.modelIdentifiers())
        }
        let foldIn = tagFoldIn
        var likes: (@Sendable ([String]) async -> LikersPlacement?)?
        if let store {
            likes = { @Sendable likers in await nearestToLikers(likers, store: store, in: holder.current.snapshot) }
        }
        let reader = LiveModelReader(
            client: SketchfabClient(configuration: options.sketchfab, transport: options.transport), images: images,
            featureNeighbours: { tags, categories in
                if let foldIn {
                    let names = tags.map { FeatureKey(kind: .tag, value: $0.lowercased()).name } + categories.map { FeatureKey(kind: .category, value: $0).name }
                    return foldIn.nearest(to: names, count: 12)
                }
                return nearestToFeatures(tags: tags, categories: categories, in: holder.current.snapshot)
            },
            likesNeighbours: likes)
        return (LiveModelDirectory(reader: reader, store: store, settings: options.settings), images, foldIn)
    }

    /// The likes model's nearest models to a model liked by `likers`: each liker the catalogue knows folded in from
    /// their stored likes, the model's factors solved from theirs (`FoldInRecommender.similarToLikedBy`).
    static func nearestToLikers(_ likers: [String], store: CatalogStore, in snapshot: CatalogSnapshot,
                                count: Int = 12) async -> LikersPlacement? {
        guard let foldIn = snapshot.foldIn else { return nil }
        guard let liked = try? await runOffThePool({ try store.likedModels(ofUsers: likers) }) else { return nil }
        let lists = liked.values.map { $0.compactMap { snapshot.model($0).map(Int.init) } }.filter { !$0.isEmpty }
        guard !lists.isEmpty, let factors = foldIn.factors(likedBy: lists) else { return LikersPlacement(suggestions: [], used: 0, factors: nil) }
        let neighbours = foldIn.nearest(to: factors, count: count)
        return LikersPlacement(suggestions: neighbours.map { LiveModel.Suggestion(mid: snapshot.models[Int($0.item)].mid, score: $0.score) },
                               used: lists.count, factors: factors)
    }

    /// For a catalogue trained before the vectors were stored: the models the Likes + tags model places nearest to
    /// each tag and category it knows, added up by rank (1 for the nearest, ½ for the next, …); nil when it knows none.
    static func nearestToFeatures(tags: [String], categories: [String], in snapshot: CatalogSnapshot,
                                  count: Int = 12) -> (suggestions: [LiveModel.Suggestion], used: Int)? {
        let keys = tags.map { FeatureKey(kind: .tag, value: $0.lowercased()) } + categories.map { FeatureKey(kind: .category, value: $0) }
        var scores: [Int32: Float] = [:], used = 0
        for key in Set(keys) {
            guard let models = snapshot.featureModels[key], !models.isEmpty else { continue }
            used += 1
            for (rank, model) in models.enumerated() { scores[model, default: 0] += 1 / Float(rank + 1) }
        }
        guard used > 0 else { return nil }
        let best = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count)
        return (best.map { LiveModel.Suggestion(mid: snapshot.models[Int($0.key)].mid, score: $0.value / Float(used)) }, used)
    }
}
