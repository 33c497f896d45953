import Foundation

/// The parts of Sketchfab's Data API v3 model object the crawler reads, decoded as the API really answers: every
/// other field (`viewCount`, `archives`, `license`, `description`, …) is ignored, and the ones read here may be
/// missing or null except `uid` and `name`, without which a model cannot be used (such a result is skipped and
/// counted by the page that holds it).
public struct SketchfabModel: Decodable, Sendable, Equatable {
    public struct Thumbnails: Decodable, Sendable, Equatable {
        public var images: [ThumbnailImage]
        public init(images: [ThumbnailImage]) { self.images = images }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            images = (try container.decodeIfPresent([Lossy<ThumbnailImage>].self, forKey: .images) ?? []).compactMap(\.value)
        }

        enum CodingKeys: String, CodingKey { case images }
    }

    /// One size of the thumbnail; `size` (bytes) is null for some.
    public struct ThumbnailImage: Decodable, Sendable, Equatable {
        public var url: String
        public var width: Int
        public var height: Int
        public var size: Int?
        public var uid: String?
        public init(url: String, width: Int, height: Int, size: Int? = nil, uid: String? = nil) {
            self.url = url; self.width = width; self.height = height; self.size = size; self.uid = uid
        }
    }

    /// `{name, slug, uri}`; the documentation lists only `slug` and `uri`, and some answers lack `name`.
    public struct Tag: Decodable, Sendable, Equatable {
        public var name: String?
        public var slug: String?
        public init(name: String?, slug: String? = nil) { self.name = name; self.slug = slug }
        /// What the published files call the tag: its name, else its slug.
        public var label: String? { (name?.isEmpty == false ? name : nil) ?? (slug?.isEmpty == false ? slug : nil) }
    }

    /// `{uri, uid, name, slug}`.
    public struct Category: Decodable, Sendable, Equatable {
        public var name: String?
        public var slug: String?
        public var uri: String?
        public init(name: String?, slug: String?, uri: String? = nil) { self.name = name; self.slug = slug; self.uri = uri }
        /// The published files use the slug (`cars-vehicles`), else the lowercased name.
        public var label: String? { (slug?.isEmpty == false ? slug : nil) ?? name.map { $0.lowercased() } }
    }

    /// The model's author, or a user from the users search: `uid` and `username` (what `liked_by=` takes).
    public struct User: Codable, Sendable, Hashable {
        public var uid: String
        public var username: String
        public init(uid: String, username: String) { self.uid = uid; self.username = username }
    }

    public var uid: String
    public var name: String
    public var viewerUrl: String?
    public var likeCount: Int
    public var thumbnails: Thumbnails?
    public var tags: [Tag]
    public var categories: [Category]
    public var user: User?
    /// ISO 8601 without a time zone, with microseconds (`2021-03-18T09:36:25.430631`); kept as text.
    public var createdAt: String?

    public init(uid: String, name: String, viewerUrl: String? = nil, likeCount: Int, thumbnails: Thumbnails?, tags: [Tag] = [],
                categories: [Category] = [], user: User? = nil, createdAt: String? = nil) {
        self.uid = uid; self.name = name; self.viewerUrl = viewerUrl; self.likeCount = likeCount
        self.thumbnails = thumbnails; self.tags = tags; self.categories = categories; self.user = user; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case uid, name, viewerUrl, likeCount, thumbnails, tags, categories, user, createdAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = try container.decode(String.self, forKey: .uid)
        name = try container.decode(String.self, forKey: .name)
        guard !uid.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .uid, in: container, debugDescription: "empty uid")
        }
        viewerUrl = try? container.decodeIfPresent(String.self, forKey: .viewerUrl)
        likeCount = (try? container.decodeIfPresent(Int.self, forKey: .likeCount)) ?? 0
        thumbnails = try? container.decodeIfPresent(Thumbnails.self, forKey: .thumbnails)
        tags = ((try? container.decodeIfPresent([Lossy<Tag>].self, forKey: .tags)) ?? []).compactMap(\.value)
        categories = ((try? container.decodeIfPresent([Lossy<Category>].self, forKey: .categories)) ?? []).compactMap(\.value)
        user = try? container.decodeIfPresent(User.self, forKey: .user)
        createdAt = try? container.decodeIfPresent(String.self, forKey: .createdAt)
    }

    /// The image a 200-pixel square is cut from: the smallest whose both sides are at least `side`, else the
    /// largest. Thumbnails today are 16:9 (1920×1080 … 64×36): for 200 this takes 720×405, whose centre square
    /// is then cropped and scaled down, where the image closest to 200×200 (256×144) would be stretched.
    public func thumbnail(side: Int = 200) -> ThumbnailImage? {
        let images = thumbnails?.images.filter { $0.width > 0 && $0.height > 0 } ?? []
        let large = images.filter { $0.width >= side && $0.height >= side }
        func area(_ image: ThumbnailImage) -> Int { image.width * image.height }
        if let smallest = large.min(by: { area($0) != area($1) ? area($0) < area($1) : $0.url < $1.url }) { return smallest }
        return images.max { area($0) != area($1) ? area($0) < area($1) : $0.url > $1.url }
    }
}

/// A list of any results (`/v3/models`, `/v3/search`): `next` is a complete URL to follow as given (its query keys
/// come back in another order, its cursor is opaque), `null` on the last page. Results that cannot be read are
/// counted in `skipped` instead of failing the page.
public struct ResultsPage<Entry: Decodable & Sendable>: Decodable, Sendable {
    public struct Cursors: Decodable, Sendable {
        public var next: String?
        public var previous: String?
    }

    public var results: [Entry]
    public var skipped: Int
    public var next: String?
    public var previous: String?
    public var cursors: Cursors?

    enum CodingKeys: String, CodingKey { case results, next, previous, cursors }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try container.decode([Lossy<Entry>].self, forKey: .results)
        results = entries.compactMap(\.value)
        skipped = entries.count - results.count
        next = try container.decodeIfPresent(String.self, forKey: .next)
        previous = try? container.decodeIfPresent(String.self, forKey: .previous)
        cursors = try? container.decodeIfPresent(Cursors.self, forKey: .cursors)
    }
}

public typealias ModelListPage = ResultsPage<SketchfabModel>
public typealias UserListPage = ResultsPage<SketchfabModel.User>

/// `/i/likes?model=…`: the likes endpoint the 2017 crawler used (not part of the documented API).
public struct LikesPage: Decodable, Sendable {
    public struct Liker: Decodable, Sendable, Equatable {
        public var uid: String
        public var username: String?
        public init(uid: String, username: String?) { self.uid = uid; self.username = username }
    }

    public var results: [Liker]
    public var next: String?
}

/// Decodes an element or, when it cannot be read, nothing: one bad entry does not lose its neighbours.
struct Lossy<Value: Decodable>: Decodable {
    var value: Value?
    init(from decoder: any Decoder) throws { value = try? Value(from: decoder) }
}
