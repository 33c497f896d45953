import CatalogStore
import NIOCore

/// The algorithms whose lists the site shows, as the catalogue names them. Which of them lead the page, how a
/// card marks them, and how a suggestion of theirs is explained follow from the case; a name this build does not
/// know (a newer trainer's) is shown as a baseline with its score.
enum CarouselAlgorithm: Equatable, Sendable {
    case visual
    case wrmf
    case warpTags
    case itemKNN
    case popularity
    case other(String)

    init(name: String) {
        switch name {
        case "visual": self = .visual
        case "wrmf": self = .wrmf
        case "warp-tags": self = .warpTags
        case "itemknn": self = .itemKNN
        case "popularity": self = .popularity
        default: self = .other(name)
        }
    }

    /// The original's three carousels lead the page; the rest sit behind a disclosure.
    var isBaseline: Bool {
        switch self {
        case .visual, .wrmf, .warpTags: false
        case .itemKNN, .popularity, .other: true
        }
    }

    /// The word a card uses to say another carousel suggests it too.
    var shortLabel: String {
        switch self {
        case .visual: "visual"
        case .wrmf: "likes"
        case .warpTags: "likes + tags"
        case .itemKNN: "co-likes"
        case .popularity: "popular"
        case .other(let name): name
        }
    }
}

/// Why one suggestion was made, from what the snapshot holds: the stored score, the users who liked both and
/// the models connecting them, the tags both carry, or the like count.
enum Explanation: Equatable {
    case similarity(Float)
    case coLikes(count: Int, connecting: [Int32])
    case sharedFeatures(tags: [String], categories: [String], score: Float)
    case popularity(likes: Int)
    case score(Float)

    /// `entry` indexes the carousel's lists (`items`, `scores`, `coLikers`, `connecting`).
    static func of(_ algorithm: CarouselAlgorithm, lists: CatalogSnapshotSource.Lists, entry: Int, from model: Int32,
                   snapshot: ExplorerSnapshot) -> Explanation {
        let score = lists.scores[entry]
        switch algorithm {
        case .visual:
            return .similarity(score)
        case .wrmf, .itemKNN:
            guard lists.coLikers[entry] >= 0 else { return .score(score) }
            let width = CatalogSnapshotSource.Lists.connectingWidth
            return .coLikes(count: Int(lists.coLikers[entry]),
                            connecting: lists.connecting[(entry * width)..<((entry + 1) * width)].filter { $0 >= 0 })
        case .warpTags:
            let other = snapshot.carried[Int(lists.items[entry])]
            let shared = snapshot.carried[Int(model)].filter { other.contains($0) }
            return .sharedFeatures(tags: shared.filter { $0.kind == "tag" }.map(\.value),
                                   categories: shared.filter { $0.kind == "category" }.map(\.value), score: score)
        case .popularity:
            return .popularity(likes: snapshot.models[Int(lists.items[entry])].likeCount)
        case .other:
            return .score(score)
        }
    }

    /// One sentence for the card's "why this?".
    func sentence(names: (Int32) -> String) -> String {
        switch self {
        case .similarity(let score):
            return "The thumbnails look alike: image similarity \(Self.decimal(score)) (1 is identical)."
        case .coLikes(let count, let connecting):
            guard count > 0 else {
                return "No one liked both yet: the people who liked each have similar tastes."
            }
            let who = count == 1 ? "1 person liked both" : "\(count) people liked both"
            guard !connecting.isEmpty else { return "\(who)." }
            return "\(who); they also liked \(Self.list(connecting.map(names)))."
        case .sharedFeatures(let tags, let categories, let score):
            var parts: [String] = []
            if !tags.isEmpty { parts.append("the tag\(tags.count == 1 ? "" : "s") \(Self.list(tags.prefix(5).map { "“\($0)”" }))") }
            if !categories.isEmpty { parts.append("the categor\(categories.count == 1 ? "y" : "ies") \(Self.list(categories.prefix(3).map { "“\($0)”" }))") }
            guard !parts.isEmpty else {
                return "No tag in common: their likers and tags place them close together (score \(Self.decimal(score)))."
            }
            return "Both carry \(parts.joined(separator: " and ")); likers agree (score \(Self.decimal(score)))."
        case .popularity(let likes):
            return "One of the most liked models overall: \(likes) likes."
        case .score(let score):
            return "Score \(Self.decimal(score))."
        }
    }

    static func decimal(_ value: Float) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int((Double(value) * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// The API's `why` object.
    func writeJSON(into buffer: inout ByteBuffer, mid: (Int32) -> String) {
        buffer.writeStaticString("{")
        switch self {
        case .similarity(let score):
            JSONBody.writeField("kind", "image-similarity", first: true, into: &buffer)
            buffer.writeStaticString(",\"similarity\":")
            JSONBody.writeScore(score, into: &buffer)
        case .coLikes(let count, let connecting):
            JSONBody.writeField("kind", "co-likes", first: true, into: &buffer)
            buffer.writeString(",\"coLikers\":\(count),\"connecting\":[")
            for (position, model) in connecting.enumerated() {
                if position > 0 { buffer.writeStaticString(",") }
                JSONBody.writeString(mid(model), into: &buffer)
            }
            buffer.writeStaticString("]")
        case .sharedFeatures(let tags, let categories, _):
            JSONBody.writeField("kind", "shared-features", first: true, into: &buffer)
            for (field, values) in [("tags", tags), ("categories", categories)] {
                buffer.writeString(",\"\(field)\":[")
                for (position, value) in values.enumerated() {
                    if position > 0 { buffer.writeStaticString(",") }
                    JSONBody.writeString(value, into: &buffer)
                }
                buffer.writeStaticString("]")
            }
        case .popularity(let likes):
            JSONBody.writeField("kind", "popularity", first: true, into: &buffer)
            buffer.writeString(",\"likes\":\(likes)")
        case .score:
            JSONBody.writeField("kind", "score", first: true, into: &buffer)
        }
        buffer.writeStaticString("}")
    }
}
