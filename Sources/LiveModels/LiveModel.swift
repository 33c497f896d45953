import Foundation

/// A Sketchfab model outside the catalogue, read live, with the catalogue models suggested after it: what
/// `serve --live-models` keeps in memory and in the `live_models` table. Suggestions are kept as model ids so they
/// survive a new publication (one no longer in the catalogue is dropped when shown).
public struct LiveModel: Codable, Sendable, Equatable {
    public struct Suggestion: Codable, Sendable, Equatable {
        public var mid: String
        public var score: Float

        public init(mid: String, score: Float) {
            self.mid = mid
            self.score = score
        }
    }

    public var mid: String
    public var name: String
    /// Its page on Sketchfab.
    public var url: String
    /// Sketchfab's link to the thumbnail the page shows.
    public var thumbnailURL: String?
    public var likes: Int
    public var tags: [String]
    public var categories: [String]
    public var fetchedAt: Date
    /// "Visually similar": by cosine of the thumbnail's features against the catalogue's; nil when left out, and
    /// `visualNote` says why.
    public var visual: [Suggestion]?
    public var visualNote: String?
    /// "Likes + tags": the catalogue models the Likes + tags model places nearest to the tags and categories it
    /// knows of this model's; nil when it knows none of them.
    public var tagged: [Suggestion]?
    /// Of the model's tags and categories, how many the Likes + tags model knows.
    public var featuresUsed: Int
    public var featuresTotal: Int
    /// "Users who liked this also liked": its factors solved from those of its likers the likes model knows (of the
    /// first page Sketchfab lists), nearest models by cosine; nil when left out, and `likesNote` says why.
    public var liked: [Suggestion]?
    public var likersUsed: Int?
    /// Its factors in the likes model, solved from its likers': a visitor who likes it is folded in with them.
    public var likesFactors: [Float]?
    public var likesNote: String?

    public init(mid: String, name: String, url: String, thumbnailURL: String?, likes: Int, tags: [String], categories: [String],
                fetchedAt: Date, visual: [Suggestion]?, visualNote: String?, tagged: [Suggestion]?, featuresUsed: Int,
                featuresTotal: Int, liked: [Suggestion]?, likersUsed: Int?, likesFactors: [Float]? = nil, likesNote: String?) {
        self.mid = mid
        self.name = name
        self.url = url
        self.thumbnailURL = thumbnailURL
        self.likes = likes
        self.tags = tags
        self.categories = categories
        self.fetchedAt = fetchedAt
        self.visual = visual
        self.visualNote = visualNote
        self.tagged = tagged
        self.featuresUsed = featuresUsed
        self.featuresTotal = featuresTotal
        self.liked = liked
        self.likersUsed = likersUsed
        self.likesFactors = likesFactors
        self.likesNote = likesNote
    }
}

/// Why a live model could not be shown: a clear page and the right status, never a 5xx of our own making.
public enum LiveModelFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Sketchfab answered 404: no such model (or not public).
    case unknownToSketchfab
    /// Sketchfab slow, down or limiting us: try again after `retryAfter`.
    case unreachable(reason: String, retryAfter: Duration)

    public var description: String {
        switch self {
        case .unknownToSketchfab: "Sketchfab does not know this model"
        case .unreachable(let reason, _): "Sketchfab could not be reached: \(reason)"
        }
    }
}
