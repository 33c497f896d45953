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
/// the models connecting them, the tags both carry, or the like count. Cheap to make (integers only); written as
/// the card's sentence or as the API's object.
enum Explanation: Equatable {
    case similarity(Float)
    /// `connecting`: slots of `Lists.connecting`, −1 where unused.
    case coLikes(count: Int, connecting: ArraySlice<Int32>)
    /// Feature ids (see `CarouselComparison.features`) both models carry, ascending.
    case sharedFeatures([Int32], score: Float)
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
            let slots = lists.connecting[(entry * width)..<((entry + 1) * width)]
            return .coLikes(count: Int(lists.coLikers[entry]), connecting: slots.prefix { $0 >= 0 })
        case .warpTags:
            return .sharedFeatures(snapshot.comparison.sharedFeatures(model, lists.items[entry]), score: score)
        case .popularity:
            return .popularity(likes: snapshot.models[Int(lists.items[entry])].likeCount)
        case .other:
            return .score(score)
        }
    }

    /// The card's "why this?" sentence, HTML-escaped, written from pre-escaped names and feature values.
    func writeSentence(into buffer: inout ByteBuffer, comparison: CarouselComparison) {
        switch self {
        case .similarity(let score):
            buffer.writeStaticString("The thumbnails look alike: image similarity ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(" (1 is identical).")
        case .coLikes(let count, let connecting):
            guard count > 0 else {
                buffer.writeStaticString("No one liked both yet: the people who liked each have similar tastes.")
                return
            }
            if count == 1 { buffer.writeStaticString("1 person liked both") } else {
                Self.writeInteger(count, into: &buffer)
                buffer.writeStaticString(" people liked both")
            }
            guard !connecting.isEmpty else { buffer.writeStaticString("."); return }
            buffer.writeStaticString("; they also liked ")
            Self.writeList(connecting.count, into: &buffer) { comparison.names.write(connecting[connecting.startIndex + $0], into: &$1) }
            buffer.writeStaticString(".")
        case .sharedFeatures(let shared, let score):
            let tags = shared.filter { !comparison.isCategory[Int($0)] }.prefix(5)
            let categories = shared.filter { comparison.isCategory[Int($0)] }.prefix(3)
            guard !tags.isEmpty || !categories.isEmpty else {
                buffer.writeStaticString("No tag in common: their likers and tags place them close together (score ")
                Self.writeDecimal(score, into: &buffer)
                buffer.writeStaticString(").")
                return
            }
            buffer.writeStaticString("Both carry ")
            if !tags.isEmpty {
                buffer.writeStaticString(tags.count == 1 ? "the tag " : "the tags ")
                Self.writeList(tags.count, into: &buffer) { index, buffer in
                    buffer.writeBytes(comparison.featureText[Int(tags[tags.startIndex + index])])
                }
            }
            if !categories.isEmpty {
                buffer.writeStaticString(tags.isEmpty ? "" : " and ")
                buffer.writeStaticString(categories.count == 1 ? "the category " : "the categories ")
                Self.writeList(categories.count, into: &buffer) { index, buffer in
                    buffer.writeBytes(comparison.featureText[Int(categories[categories.startIndex + index])])
                }
            }
            buffer.writeStaticString("; likers agree (score ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(").")
        case .popularity(let likes):
            buffer.writeStaticString("One of the most liked models overall: ")
            Self.writeInteger(likes, into: &buffer)
            buffer.writeStaticString(" likes.")
        case .score(let score):
            buffer.writeStaticString("Score ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(".")
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    static func writeList(_ count: Int, into buffer: inout ByteBuffer, item: (Int, inout ByteBuffer) -> Void) {
        for index in 0..<count {
            if index > 0 { buffer.writeStaticString(index == count - 1 ? " and " : ", ") }
            item(index, &buffer)
        }
    }

    /// A non-negative whole number in decimal, without going through a String.
    static func writeInteger(_ value: Int, into buffer: inout ByteBuffer) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { storage in
            var remaining = UInt(max(0, value)), start = storage.count
            repeat {
                start -= 1
                storage[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: storage[start...]))
        }
    }

    /// Two decimals, digit by digit.
    static func writeDecimal(_ value: Float, into buffer: inout ByteBuffer) {
        guard value.isFinite, abs(value) < 1e9 else { buffer.writeStaticString("0"); return }
        var hundredths = Int((Double(value) * 100).rounded())
        if hundredths < 0 { buffer.writeStaticString("-"); hundredths = -hundredths }
        writeInteger(hundredths / 100, into: &buffer)
        let fraction = hundredths % 100
        buffer.writeMultipleIntegers(UInt8(ascii: "."), UInt8(ascii: "0") + UInt8(fraction / 10), UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// The API's `why` object.
    func writeJSON(into buffer: inout ByteBuffer, snapshot: ExplorerSnapshot) {
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
                JSONBody.writeString(snapshot.models[Int(model)].mid, into: &buffer)
            }
            buffer.writeStaticString("]")
        case .sharedFeatures(let shared, _):
            JSONBody.writeField("kind", "shared-features", first: true, into: &buffer)
            let comparison = snapshot.comparison
            for (field, categories) in [("tags", false), ("categories", true)] {
                buffer.writeString(",\"\(field)\":[")
                for (position, id) in shared.filter({ comparison.isCategory[Int($0)] == categories }).enumerated() {
                    if position > 0 { buffer.writeStaticString(",") }
                    JSONBody.writeString(comparison.features[Int(id)].value, into: &buffer)
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
