import Foundation
import ImageCodecs
import ParallelWork
import SketchfabAPI

/// Reads one model from Sketchfab's Data API (`GET /v3/models/{uid}`, through the project's client: its
/// User-Agent, retries and the rate limit every request shares), fetches its thumbnail and crops it as the crawler
/// does, and finds its neighbours in the catalogue.
public struct LiveModelReader: Sendable {
    let client: SketchfabClient
    /// The catalogue's image features; nil leaves "Visually similar" out.
    let images: CatalogImageIndex?
    /// The Likes + tags model's nearest catalogue models to the tags and categories it knows among these, and how many
    /// it knew (from the snapshot being served).
    let featureNeighbours: @Sendable (_ tags: [String], _ categories: [String]) -> (suggestions: [LiveModel.Suggestion], used: Int)?
    /// The likes model's nearest catalogue models to a model liked by these users (Sketchfab's ids), and how many
    /// of them it knew; nil when no likes model is trained.
    let likesNeighbours: (@Sendable (_ likers: [String]) async -> LikersPlacement?)?
    let suggestions: Int
    let thumbnailSide: Int
    let now: @Sendable () -> Date

    public init(client: SketchfabClient, images: CatalogImageIndex?,
                featureNeighbours: @escaping @Sendable ([String], [String]) -> (suggestions: [LiveModel.Suggestion], used: Int)?,
                likesNeighbours: (@Sendable ([String]) async -> LikersPlacement?)? = nil,
                suggestions: Int = 12, thumbnailSide: Int = 200, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.images = images
        self.featureNeighbours = featureNeighbours
        self.likesNeighbours = likesNeighbours
        self.suggestions = suggestions
        self.thumbnailSide = thumbnailSide
        self.now = now
    }


    public func read(_ mid: String) async throws(LiveModelFailure) -> LiveModel {
        let model: SketchfabModel
        do {
            model = try await client.model(uid: mid)
        } catch let error as SketchfabError where error.isNotFound {
            throw .unknownToSketchfab
        } catch {
            throw .unreachable(reason: "\(error)", retryAfter: .seconds(60))
        }
        let tags = model.tags.compactMap(\.label), categories = model.categories.compactMap(\.label)
        let thumbnail = model.thumbnail(side: thumbnailSide)
        var visual: [LiveModel.Suggestion]?, visualNote: String?
        if let images {
            if let url = thumbnail?.url {
                do {
                    let bytes = try await client.fetchBytes(url)
                    let side = thumbnailSide, descriptor = images.descriptor
                    // Decoding and describing (a CNN pass) is blocking work: off the threads that serve requests.
                    let features = try await runOffThePool {
                        descriptor.makeDescriber()(try ImageFile.decode(bytes).centreCroppedSquare().resizedBilinear(width: side, height: side))
                    }
                    visual = images.nearest(to: features, count: suggestions)
                } catch is ImageCodecError {
                    visualNote = "Visually similar is left out: its thumbnail could not be decoded."
                } catch {
                    visualNote = "Visually similar is left out: its thumbnail could not be fetched (\(error))."
                }
            } else {
                visualNote = "Visually similar is left out: Sketchfab lists no thumbnail for it."
            }
        } else {
            visualNote = "Visually similar is left out: this server has not loaded the catalogue's image features."
        }
        let (placement, likesNote) = await likes(of: model)
        let near = featureNeighbours(tags, categories)
        return LiveModel(
            mid: model.uid, name: model.name, url: model.viewerUrl ?? "\(client.configuration.siteBase)/3d-models/\(model.uid)",
            thumbnailURL: thumbnail?.url, likes: model.likeCount, tags: tags, categories: categories, fetchedAt: now(),
            visual: visual, visualNote: visualNote, tagged: near.flatMap { $0.suggestions.isEmpty ? nil : $0.suggestions },
            featuresUsed: near?.used ?? 0, featuresTotal: tags.count + categories.count, liked: placement?.suggestions, likersUsed: placement?.used,
            likesFactors: placement?.factors, likesNote: likesNote)
    }

    /// "Users who liked this also liked" from the first page of its likers Sketchfab lists (the likes source the
    /// crawler reads: one more request), or why it is left out.
    func likes(of model: SketchfabModel) async -> (LikersPlacement?, String?) {
        let prefix = "Users who liked this also liked is left out: "
        guard let likesNeighbours else { return (nil, prefix + "no likes model is trained in this catalogue.") }
        guard model.likeCount > 0 else { return (nil, prefix + "nobody has liked it on Sketchfab yet.") }
        let likers: [String]
        do {
            likers = try await client.likes(url: client.likesURL(model: model.uid)).results.map(\.uid)
        } catch {
            return (nil, prefix + "who liked it could not be read from Sketchfab just now.")
        }
        guard let found = await likesNeighbours(likers), !found.suggestions.isEmpty else {
            return (nil, prefix + "none of the \(likers.count) people Sketchfab lists as liking it liked a model the likes model was trained on.")
        }
        return (found, nil)
    }
}

/// Where the likes model places a model from its likers: its nearest models, how many likers it knew, its factors.
public struct LikersPlacement: Sendable {
    public var suggestions: [LiveModel.Suggestion]
    public var used: Int
    public var factors: [Float]?

    public init(suggestions: [LiveModel.Suggestion], used: Int, factors: [Float]?) {
        self.suggestions = suggestions
        self.used = used
        self.factors = factors
    }
}
