import Foundation
import Hummingbird
import ImageCodecs
import SeededRandom
import Synchronization

/// What the fake serves: models sorted by like count, each with its likers, tags, categories and thumbnails.
/// Names include the characters that break naive files and pages (`|`, `\`, quotes, newlines, HTML, emoji).
public struct FakeCatalogue: Sendable {
    public struct Model: Sendable, Equatable {
        public var uid: String
        public var name: String
        public var likers: [String]
        public var tags: [String]
        public var categories: [String]
        /// Listed, then gone: its likes and detail answer 404, as when a model is deleted mid-crawl.
        public var deletedAfterListing: Bool
        /// Kept for older callers; every model now offers the five 16:9 sizes Sketchfab serves today.
        public var has200: Bool
        /// Index of its author in `authors`.
        public var author: Int
        /// Position in creation order (0 oldest): `/v3/models` lists newest first, whatever `sort_by` says.
        public var created: Int
    }

    public var models: [Model]
    /// Uids of the authors; their usernames are `FakeCatalogue.username(uid)`.
    public var authors: [String]

    /// A user's username (what `liked_by=` takes): derived from the uid, so every user has a distinct one.
    public static func username(_ uid: String) -> String { "user_" + uid.prefix(16) }

    public static let awkwardNames = [
        "Pipe | in the name", "Back\\slash \\ here", "\"Quoted\" 'name'", "Two\nlines", "<b>HTML</b> & <script>x</script>",
        "Emoji 🐉 dragon 🚀", "Ünïcödé façade", "Trailing backslash \\", "Mixed |\\| \n\"all\"",
    ]

    public static func generate(models count: Int, seed: UInt64 = 1, deletedEvery: Int = 0) -> FakeCatalogue {
        var generator = SeededGenerator(seed: seed)
        let tagPool = ["dragon", "car", "lowpoly", "sci-fi", "character", "building", "tree", "robot", "pbr", "game-ready"]
        let categoryPool = ["animals-pets", "cars-vehicles", "architecture", "characters-creatures", "nature-plants"]
        var models: [Model] = []
        let authors = (0..<max(1, count / 10)).map { _ in String(format: "%016llx%016llx", generator.next(), generator.next()) }
        var creation = Array(0..<count)
        creation.shuffle(using: &generator)
        for index in 0..<count {
            let likeCount = max(0, 60 - index * 60 / max(1, count) + generator.below(3))
            let likers = (0..<likeCount).map { _ in String(format: "%016llx%016llx", generator.next(), generator.next()) }
            let name = index % 4 == 0 ? awkwardNames[(index / 4) % awkwardNames.count] + " #\(index)" : "Model \(index)"
            models.append(Model(uid: String(format: "%016llx%016llx", generator.next(), generator.next()), name: name,
                                likers: likers,
                                tags: (0..<generator.below(4)).map { _ in generator.pick(tagPool) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                                categories: generator.chance(0.8) ? [generator.pick(categoryPool)] : [],
                                deletedAfterListing: deletedEvery > 0 && index % deletedEvery == deletedEvery - 1,
                                has200: false, author: index % authors.count, created: creation[index]))
        }
        models.sort { $0.likers.count != $1.likers.count ? $0.likers.count > $1.likers.count : $0.uid < $1.uid }
        return FakeCatalogue(models: models, authors: authors)
    }

    /// Every user: the likers, then the authors, each once.
    public var users: [String] {
        var seen = Set<String>()
        return (models.flatMap(\.likers) + authors).filter { seen.insert($0).inserted }
    }

    /// Followers, for the users search's order: a fixed number per user.
    public static func followers(_ uid: String) -> Int {
        Int(uid.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 } % 10_000)
    }

    /// The rows a complete crawl with this like threshold must produce, in list order.
    public func expectedModels(minimumLikes: Int) -> [Model] {
        models.prefix { $0.likers.count >= minimumLikes }.filter { !$0.deletedAfterListing }
    }
}

public struct FaultInjection: Sendable {
    public var serverErrors: Double
    public var rateLimits: Double
    public var truncatedBodies: Double
    public var slowAnswers: Double
    public var slowDelay: Duration
    public var seed: UInt64
    /// Models whose likes always answer 500: a crawl must report them, not skip them silently.
    public var brokenModels: Set<String>
    /// Models whose thumbnails the CDN answers with bytes that are no image.
    public var brokenThumbnails: Set<String>
    /// Added to every answer that is not a 404: a far-away server's round trip.
    public var latency: Duration

    public init(serverErrors: Double = 0, rateLimits: Double = 0, truncatedBodies: Double = 0, slowAnswers: Double = 0,
                slowDelay: Duration = .milliseconds(300), seed: UInt64 = 7, brokenModels: Set<String> = [],
                brokenThumbnails: Set<String> = [], latency: Duration = .zero) {
        self.brokenModels = brokenModels
        self.brokenThumbnails = brokenThumbnails
        self.latency = latency
        self.serverErrors = serverErrors
        self.rateLimits = rateLimits
        self.truncatedBodies = truncatedBodies
        self.slowAnswers = slowAnswers
        self.slowDelay = slowDelay
        self.seed = seed
    }

    public static let none = FaultInjection()
}

/// An in-process Sketchfab that follows the Data API's documentation and a real answer's shapes: `/v3/search`
/// (models by likes, users by followers), `/v3/models` (newest first whatever `sort_by` asks; `liked_by=`),
/// `/v3/models/{uid}`, the undocumented `/i/likes`, opaque cursors and `next` URLs with reordered keys, pages of at
/// most 24, the full model object, and a CDN (`/cdn/{uid}/{version}/{w}x{h}.jpg`) of 16:9 images whose links change
/// when `rotateThumbnails()` is called.
public final class FakeSketchfab: Sendable {
    struct State {
        var generator: SeededGenerator
        var thumbnailVersion = 1
        var requests = 0
        var faults = 0
    }

    public let catalogue: FakeCatalogue
    public let faults: FaultInjection
    private let index: [String: Int]
    /// Username → positions of the (not deleted) models that user liked.
    private let likedBy: [String: [Int]]
    private let state: Mutex<State>

    public init(catalogue: FakeCatalogue, faults: FaultInjection = .none) {
        self.catalogue = catalogue
        self.faults = faults
        index = Dictionary(uniqueKeysWithValues: catalogue.models.enumerated().map { ($1.uid, $0) })
        var likedBy: [String: [Int]] = [:]
        for (position, model) in catalogue.models.enumerated() where !model.deletedAfterListing {
            for liker in model.likers { likedBy[FakeCatalogue.username(liker), default: []].append(position) }
        }
        self.likedBy = likedBy
        state = Mutex(State(generator: SeededGenerator(seed: faults.seed)))
    }

    public var requestCount: Int { state.withLock { $0.requests } }
    public var injectedFaults: Int { state.withLock { $0.faults } }
    public var thumbnailVersion: Int { state.withLock { $0.thumbnailVersion } }
    public func rotateThumbnails() { state.withLock { $0.thumbnailVersion += 1 } }

    enum Fault { case serverError, rateLimit, truncated, slow }

    private func drawFault() -> Fault? {
        state.withLock { state in
            state.requests += 1
            // One roll against the rates laid end to end: each fault gets its share of [0, 1).
            var roll = state.generator.unit()
            for (rate, fault) in [(faults.serverErrors, Fault.serverError), (faults.rateLimits, .rateLimit),
                                  (faults.truncatedBodies, .truncated), (faults.slowAnswers, .slow)] {
                if roll < rate {
                    state.faults += 1
                    return fault
                }
                roll -= rate
            }
            return nil
        }
    }

    private func respond(_ body: [UInt8], contentType: String) async throws -> Response {
        if faults.latency > .zero { try await Task.sleep(for: faults.latency) }
        switch drawFault() {
        case .serverError:
            return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "{\"detail\": \"oops\"}")))
        case .rateLimit:
            return Response(status: .tooManyRequests, headers: [.retryAfter: "0.05"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"detail\": \"slow down\"}")))
        case .truncated:
            return Response(status: .ok, headers: [.contentType: contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: body.prefix(body.count / 2))))
        case .slow:
            try await Task.sleep(for: faults.slowDelay)
        case nil:
            break
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func json(_ object: Any) throws -> [UInt8] {
        [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// The sizes Sketchfab lists today: all 16:9, none 200×200.
    public static let thumbnailSizes = [(1920, 1080), (1024, 576), (720, 405), (256, 144), (64, 36)]

    func userObject(_ uid: String, base: String) -> [String: Any] {
        let username = FakeCatalogue.username(uid)
        return ["uid": uid, "username": username, "displayName": username.capitalized, "profileUrl": "https://sketchfab.com/\(username)",
                "account": "basic", "uri": "\(base)/v3/users/\(uid)", "followerCount": FakeCatalogue.followers(uid), "modelCount": 0,
                "avatar": ["uri": "\(base)/v3/avatars/\(uid)", "images": [["url": "\(base)/cdn/avatar/\(uid).jpg", "width": 32, "height": 32, "size": 1024]]]]
    }

    /// A model as a list or search result really looks: the whole field set, much of it never read by the crawler.
    func modelObject(_ model: FakeCatalogue.Model, base: String) -> [String: Any] {
        let version = thumbnailVersion
        let position = index[model.uid] ?? 0
        let created = String(format: "2021-%02d-%02dT09:36:25.%06d", 1 + model.created % 12, 1 + model.created % 28, 430_631 + model.created)
        return [
            "uri": "\(base)/v3/models/\(model.uid)", "uid": model.uid, "name": model.name,
            "viewCount": model.likers.count * 37, "likeCount": model.likers.count, "animationCount": 0, "commentCount": position % 5,
            "viewerUrl": "https://sketchfab.com/3d-models/\(model.uid)", "embedUrl": "https://sketchfab.com/models/\(model.uid)/embed",
            "isDownloadable": position % 2 == 0, "publishedAt": created, "createdAt": created, "staffpickedAt": NSNull(),
            "user": userObject(catalogue.authors[model.author], base: base),
            "thumbnails": ["images": Self.thumbnailSizes.map { w, h in
                ["url": "\(base)/cdn/\(model.uid)/v\(version)/\(w)x\(h).jpg", "width": w, "height": h,
                 "size": w < 100 ? NSNull() : w * h / 10 as Any, "uid": "\(model.uid)\(w)"] as [String: Any]
            }],
            // Some tags come without a name, as the documentation describes them (slug and uri only).
            "tags": model.tags.enumerated().map { offset, tag -> [String: Any] in
                (position + offset) % 3 == 0 ? ["slug": tag, "uri": "\(base)/v3/tags/\(tag)"] : ["name": tag, "slug": tag, "uri": "\(base)/v3/tags/\(tag)"]
            },
            "categories": model.categories.map { ["name": $0.capitalized, "slug": $0, "uid": "c-\($0)", "uri": "\(base)/v3/categories/\($0)"] },
            "description": "<p>A model called <b>\(model.name.replacingOccurrences(of: "<", with: "&lt;"))</b>.</p>",
            "faceCount": 1000 + position, "vertexCount": 600 + position, "isAgeRestricted": false,
            "archives": ["glb": ["size": 123_456, "textureCount": 2, "type": "glb", "faceCount": 1000, "vertexCount": 600],
                         "gltf": NSNull(), "source": NSNull(), "usdz": NSNull()],
            "license": NSNull(),
        ]
    }

    /// A page of `entries` from the opaque cursor (base64 of `o=N`), at most 24; `next` is a whole URL whose query
    /// keys come back in another order than the request's, as the real API's do.
    func page(_ entries: [[String: Any]], request: Request, path: String, keep: [(String, String)]) throws -> [UInt8] {
        let count = min(24, max(1, request.uri.queryParameters.get("count", as: Int.self) ?? 24))
        let offset = request.uri.queryParameters.get("cursor").flatMap { Data(base64Encoded: String($0)) }
            .flatMap { String(decoding: $0, as: UTF8.self).split(separator: "=").last.flatMap { Int($0) } } ?? 0
        let slice = entries.dropFirst(offset).prefix(count)
        let nextOffset = offset + slice.count
        let cursor = Data("o=\(nextOffset)".utf8).base64EncodedString()
        let query = (["cursor=\(cursor)", "count=\(count)"] + keep.reversed().map { "\($0.0)=\($0.1)" }).joined(separator: "&")
        let more = nextOffset < entries.count
        return try json(["results": Array(slice), "next": more ? "\(Self.base(request))\(path)?\(query)" : NSNull(),
                         "previous": offset > 0 ? "\(Self.base(request))\(path)?\(query)" : NSNull(),
                         "cursors": ["next": more ? cursor as Any : NSNull(), "previous": offset > 0 ? cursor as Any : NSNull()]])
    }

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // Not Sketchfab's: how many requests this fake has answered, for benchmarks that run it as a process.
        router.get("/__requests") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "\(self.requestCount)\n")))
        }
        // Documented sorts only (createdAt, viewCount, likedAt): `sort_by=-likeCount` is ignored, newest come first.
        router.get("/v3/models") { request, _ -> Response in
            let base = Self.base(request)
            if let username = request.uri.queryParameters.get("liked_by") {
                let liked = self.likedBy[String(username)] ?? []
                let body = try self.page(liked.map { self.modelObject(self.catalogue.models[$0], base: base) }, request: request,
                                         path: "/v3/models", keep: [("liked_by", String(username))])
                return try await self.respond(body, contentType: "application/json")
            }
            let newest = self.catalogue.models.sorted { $0.created > $1.created }
            let body = try self.page(newest.map { self.modelObject($0, base: base) }, request: request, path: "/v3/models",
                                     keep: [("sort_by", String(request.uri.queryParameters.get("sort_by") ?? "-createdAt"))])
            return try await self.respond(body, contentType: "application/json")
        }
        router.get("/v3/search") { request, _ -> Response in
            let base = Self.base(request)
            switch request.uri.queryParameters.get("type") {
            case "models":
                // Honours sort_by=-likeCount: the catalogue is kept in that order.
                let body = try self.page(self.catalogue.models.map { self.modelObject($0, base: base) }, request: request, path: "/v3/search",
                                         keep: [("type", "models"), ("sort_by", "-likeCount")])
                return try await self.respond(body, contentType: "application/json")
            case "users":
                let users = self.catalogue.users.sorted {
                    (FakeCatalogue.followers($0), $1) > (FakeCatalogue.followers($1), $0)
                }
                let body = try self.page(users.map { self.userObject($0, base: base) }, request: request, path: "/v3/search",
                                         keep: [("type", "users"), ("sort_by", "-followerCount")])
                return try await self.respond(body, contentType: "application/json")
            default:
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "{\"detail\": \"type is required\"}")))
            }
        }
        router.get("/v3/models/:uid") { request, context -> Response in
            guard let uid = context.parameters.get("uid"), let position = self.index[uid],
                  !self.catalogue.models[position].deletedAfterListing else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "{\"detail\": \"Not found.\"}")))
            }
            return try await self.respond(try self.json(self.modelObject(self.catalogue.models[position], base: Self.base(request))),
                                          contentType: "application/json")
        }
        router.get("/i/likes") { request, _ -> Response in
            guard let uid = request.uri.queryParameters.get("model"), let position = self.index[uid],
                  !self.catalogue.models[position].deletedAfterListing else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "{\"detail\": \"Not found.\"}")))
            }
            if self.faults.brokenModels.contains(uid) { return Response(status: .internalServerError) }
            let count = request.uri.queryParameters.get("count", as: Int.self) ?? 24
            let offset = request.uri.queryParameters.get("offset", as: Int.self) ?? 0
            let likers = self.catalogue.models[position].likers
            let slice = likers.dropFirst(offset).prefix(count)
            let next: Any = offset + slice.count < likers.count
                ? "\(Self.base(request))/i/likes?model=\(uid)&count=\(count)&offset=\(offset + slice.count)" : NSNull()
            let body = try self.json(["results": slice.map { ["uid": $0, "username": FakeCatalogue.username($0)] }, "next": next])
            return try await self.respond(body, contentType: "application/json")
        }
        router.get("/cdn/:uid/:version/:size") { _, context -> Response in
            guard let uid = context.parameters.get("uid"), let version = context.parameters.get("version"),
                  let size = context.parameters.get("size"), version == "v\(self.thumbnailVersion)" else {
                return Response(status: .notFound)  // a rotated-away link, as on the real CDN
            }
            let sides = size.split(separator: ".")[0].split(separator: "x").compactMap { Int($0) }
            let width = min(2048, max(8, sides.first ?? 200)), height = min(2048, max(8, sides.count > 1 ? sides[1] : width))
            if self.faults.brokenThumbnails.contains(uid) {
                return try await self.respond(Array("not a jpeg at all".utf8), contentType: "image/jpeg")
            }
            return try await self.respond(try JPEGCodec.encode(Self.cdnImage(uid: uid, width: width, height: height)), contentType: "image/jpeg")
        }
        return router
    }

    static func base(_ request: Request) -> String {
        "http://" + (request.head.authority ?? "127.0.0.1")
    }

    /// What lies outside the centred square of a wide image: a crawl that crops properly never keeps any of it.
    public static let bandColour: (red: UInt8, green: UInt8, blue: UInt8) = (255, 0, 255)

    /// A CDN image: the model's square picture (`thumbnail`) centred, with side bands in `bandColour` filling the
    /// rest of a wide one (or top and bottom bands for a tall one).
    public static func cdnImage(uid: String, width: Int, height: Int) -> RGBImage {
        let side = min(width, height)
        let square = thumbnail(uid: uid, side: side)
        var image = RGBImage(width: width, height: height, fill: bandColour)
        let left = (width - side) / 2, top = (height - side) / 2
        for row in 0..<side {
            let target = ((top + row) * width + left) * 3
            image.pixels.replaceSubrange(target..<(target + side * 3), with: square.pixels[(row * side * 3)..<((row + 1) * side * 3)])
        }
        return image
    }

    /// A flat colour from the uid with a diagonal stripe: distinct per model, identical on every request.
    public static func thumbnail(uid: String, side: Int) -> RGBImage {
        let hash = uid.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        // Green kept mid-range in the picture and its stripe, so nothing in it is mistaken for the magenta bands.
        let colour = [UInt8(hash & 0xFF), UInt8(96 + (hash >> 8) % 64), UInt8((hash >> 16) & 0xFF)]
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let stripe = abs(x - y) < side / 8
                for c in 0..<3 { pixels[(y * side + x) * 3 + c] = stripe ? 255 - colour[c] : colour[c] }
            }
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }
}
