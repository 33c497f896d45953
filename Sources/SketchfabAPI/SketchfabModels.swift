import Foundation

/// The parts of Sketchfab's Data API v3 model object the crawler reads; everything else is ignored.
public struct SketchfabModel: Codable, Sendable, Equatable {
    public struct Thumbnails: Codable, Sendable, Equatable {
        public var images: [ThumbnailImage]
        public init(images: [ThumbnailImage]) { self.images = images }
    }

    public struct ThumbnailImage: Codable, Sendable, Equatable {
        public var url: String
        public var width: Int
        public var height: Int
        public var size: Int?
        public var uid: String?
        public init(url: String, width: Int, height: Int, size: Int? = nil, uid: String? = nil) {
            self.url = url; self.width = width; self.height = height; self.size = size; self.uid = uid
        }
    }

    public struct Tag: Codable, Sendable, Equatable {
        public var name: String
        public var slug: String?
        public init(name: String, slug: String? = nil) { self.name = name; self.slug = slug }
    }

    public struct Category: Codable, Sendable, Equatable {
        public var name: String
        public var slug: String
        public var uri: String?
        public init(name: String, slug: String, uri: String? = nil) { self.name = name; self.slug = slug; self.uri = uri }
    }

    public var uid: String
    public var name: String
    public var viewerUrl: String?
    public var likeCount: Int
    public var thumbnails: Thumbnails?
    public var tags: [Tag]?
    public var categories: [Category]?

    public init(uid: String, name: String, viewerUrl: String?, likeCount: Int, thumbnails: Thumbnails?, tags: [Tag]?,
                categories: [Category]?) {
        self.uid = uid; self.name = name; self.viewerUrl = viewerUrl; self.likeCount = likeCount
        self.thumbnails = thumbnails; self.tags = tags; self.categories = categories
    }

    /// The 200×200 image if there is one, else the one whose size is closest to it.
    public var preferredThumbnail: ThumbnailImage? {
        thumbnails?.images.min { a, b in
            let da = abs(a.width - 200) + abs(a.height - 200), db = abs(b.width - 200) + abs(b.height - 200)
            return da != db ? da < db : a.url < b.url
        }
    }
}

public struct ModelListPage: Codable, Sendable {
    public struct Cursors: Codable, Sendable {
        public var next: String?
        public var previous: String?
    }

    public var results: [SketchfabModel]
    public var next: String?
    public var previous: String?
    public var cursors: Cursors?
}

public struct LikesPage: Codable, Sendable {
    public struct Liker: Codable, Sendable, Equatable {
        public var uid: String
        public var username: String?
        public init(uid: String, username: String?) { self.uid = uid; self.username = username }
    }

    public var results: [Liker]
    public var next: String?
}
