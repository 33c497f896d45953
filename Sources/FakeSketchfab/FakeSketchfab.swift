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
        /// Offers a 200×200 image; otherwise only larger and smaller sizes.
        public var has200: Bool
    }

    public var models: [Model]

    public static let awkwardNames = [
        "Pipe | in the name", "Back\\slash \\ here", "\"Quoted\" 'name'", "Two\nlines", "<b>HTML</b> & <script>x</script>",
        "Emoji 🐉 dragon 🚀", "Ünïcödé façade", "Trailing backslash \\", "Mixed |\\| \n\"all\"",
    ]

    public static func generate(models count: Int, seed: UInt64 = 1, deletedEvery: Int = 0) -> FakeCatalogue {
        var generator = SeededGenerator(seed: seed)
        let tagPool = ["dragon", "car", "lowpoly", "sci-fi", "character", "building", "tree", "robot", "pbr", "game-ready"]
        let categoryPool = ["animals-pets", "cars-vehicles", "architecture", "characters-creatures", "nature-plants"]
        var models: [Model] = []
        for index in 0..<count {
            let likeCount = max(0, 60 - index * 60 / max(1, count) + generator.below(3))
            let likers = (0..<likeCount).map { _ in String(format: "%016llx%016llx", generator.next(), generator.next()) }
            let name = index % 4 == 0 ? awkwardNames[(index / 4) % awkwardNames.count] + " #\(index)" : "Model \(index)"
            models.append(Model(uid: String(format: "%016llx%016llx", generator.next(), generator.next()), name: name,
                                likers: likers,
                                tags: (0..<generator.below(4)).map { _ in generator.pick(tagPool) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                                categories: generator.chance(0.8) ? [generator.pick(categoryPool)] : [],
                                deletedAfterListing: deletedEvery > 0 && index % deletedEvery == deletedEvery - 1,
                                has200: index % 7 != 3))
        }
        models.sort { $0.likers.count != $1.likers.count ? $0.likers.count > $1.likers.count : $0.uid < $1.uid }
        return FakeCatalogue(models: models)
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

    public init(serverErrors: Double = 0, rateLimits: Double = 0, truncatedBodies: Double = 0, slowAnswers: Double = 0,
                slowDelay: Duration = .milliseconds(300), seed: UInt64 = 7, brokenModels: Set<String> = []) {
        self.brokenModels = brokenModels
        self.serverErrors = serverErrors
        self.rateLimits = rateLimits
        self.truncatedBodies = truncatedBodies
        self.slowAnswers = slowAnswers
        self.slowDelay = slowDelay
        self.seed = seed
    }

    public static let none = FaultInjection()
}

/// An in-process Sketchfab with the Data API's shapes (`/v3/models`, `/v3/models/{uid}`, `/i/likes`) and a CDN
/// (`/cdn/{uid}/{version}/{w}x{h}.jpg`) whose links change when `rotateThumbnails()` is called.
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
    private let state: Mutex<State>

    public init(catalogue: FakeCatalogue, faults: FaultInjection = .none) {
        self.catalogue = catalogue
        self.faults = faults
        index = Dictionary(uniqueKeysWithValues: catalogue.models.enumerated().map { ($1.uid, $0) })
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

    func modelObject(_ model: FakeCatalogue.Model, base: String) -> [String: Any] {
        let version = thumbnailVersion
        var sizes = [(1024, 1024), (720, 720), (100, 100)]
        if model.has200 { sizes.insert((200, 200), at: 2) } else { sizes.insert((256, 256), at: 2) }
        return [
            "uid": model.uid, "name": model.name, "likeCount": model.likers.count,
            "viewerUrl": "https://sketchfab.com/3d-models/\(model.uid)",
            "user": ["username": "author", "uid": "0"],
            "thumbnails": ["images": sizes.map { w, h in
                ["url": "\(base)/cdn/\(model.uid)/v\(version)/\(w)x\(h).jpg", "width": w, "height": h, "size": w * h / 10, "uid": "\(model.uid)\(w)"] as [String: Any]
            }],
            "tags": model.tags.map { ["name": $0, "slug": $0] },
            "categories": model.categories.map { ["name": $0.capitalized, "slug": $0, "uri": "\(base)/v3/categories/\($0)"] },
        ]
    }

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v3/models") { request, _ -> Response in
            let base = Self.base(request)
            let count = request.uri.queryParameters.get("count", as: Int.self) ?? 24
            let offset = request.uri.queryParameters.get("cursor").flatMap { Int($0.dropFirst()) } ?? 0
            let slice = self.catalogue.models.dropFirst(offset).prefix(count)
            let nextOffset = offset + slice.count
            let next: Any = nextOffset < self.catalogue.models.count ? "\(base)/v3/models?sort_by=-likeCount&count=\(count)&cursor=o\(nextOffset)" : NSNull()
            let body = try self.json(["results": slice.map { self.modelObject($0, base: base) }, "next": next, "previous": NSNull(),
                                      "cursors": ["next": nextOffset < self.catalogue.models.count ? "o\(nextOffset)" as Any : NSNull(), "previous": NSNull()]])
            return try await self.respond(body, contentType: "application/json")
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
            let body = try self.json(["results": slice.map { ["uid": $0, "username": "user-\($0.prefix(6))"] }, "next": next])
            return try await self.respond(body, contentType: "application/json")
        }
        router.get("/cdn/:uid/:version/:size") { _, context -> Response in
            guard let uid = context.parameters.get("uid"), let version = context.parameters.get("version"),
                  let size = context.parameters.get("size"), version == "v\(self.thumbnailVersion)" else {
                return Response(status: .notFound)  // a rotated-away link, as on the real CDN
            }
            let side = Int(size.prefix { $0.isNumber }) ?? 200
            return try await self.respond(try JPEGCodec.encode(Self.thumbnail(uid: uid, side: side)), contentType: "image/jpeg")
        }
        return router
    }

    static func base(_ request: Request) -> String {
        "http://" + (request.head.authority ?? "127.0.0.1")
    }

    /// A flat colour from the uid with a diagonal stripe: distinct per model, identical on every request.
    public static func thumbnail(uid: String, side: Int) -> RGBImage {
        let hash = uid.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        let colour = [UInt8(hash & 0xFF), UInt8((hash >> 8) & 0xFF), UInt8((hash >> 16) & 0xFF)]
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
