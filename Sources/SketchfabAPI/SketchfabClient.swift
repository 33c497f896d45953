import Foundation
import Synchronization

/// One HTTP exchange, behind a closure so tests and benchmarks can swap the network out; `HTTPTransport.live`
/// is AsyncHTTPClient.
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

public struct HTTPTransport: Sendable {
    public var get: @Sendable (_ url: String, _ headers: [(String, String)], _ timeout: Duration) async throws -> HTTPResponseData

    public init(get: @escaping @Sendable (String, [(String, String)], Duration) async throws -> HTTPResponseData) {
        self.get = get
    }
}

/// What a transport throws when an answer did not come in time, so the client can count timeouts apart.
public struct TransportTimeout: Error, CustomStringConvertible, Sendable {
    public var url: String
    public init(url: String) { self.url = url }
    public var description: String { "timed out" }
}

public struct SketchfabClientConfiguration: Sendable {
    public var apiBase: String
    public var siteBase: String
    /// Requests per second across all tasks (0: unlimited).
    public var requestsPerSecond: Double
    public var timeout: Duration
    public var maximumAttempts: Int
    /// First retry waits about this long; each further one doubles it, with jitter, up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Sent as `Authorization: Token …` when set.
    public var token: String?
    /// Who runs the crawler (an e-mail address or a URL), sent in the User-Agent so Sketchfab can reach them.
    public var contact: String?
    public var userAgent: String {
        "RecASketch/\(Self.version)" + (contact.map { " (+\($0))" } ?? "")
    }

    public static let version = "1.0"

    public init(apiBase: String = "https://api.sketchfab.com", siteBase: String = "https://sketchfab.com",
                requestsPerSecond: Double = 2, timeout: Duration = .seconds(20), maximumAttempts: Int = 8,
                initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(60), token: String? = nil,
                contact: String? = nil) {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.siteBase = siteBase.hasSuffix("/") ? String(siteBase.dropLast()) : siteBase
        self.requestsPerSecond = requestsPerSecond
        self.timeout = timeout
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.token = token
        self.contact = contact
    }

    /// A crawler that talks to Sketchfab itself must say who runs it; a fake on this machine need not.
    public var needsContact: Bool {
        guard let host = URL(string: apiBase)?.host?.lowercased() else { return true }
        return !(host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127."))
    }
}

public enum SketchfabError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Retries ran out; the last problem is named.
    case gaveUp(url: String, attempts: Int, lastProblem: String)
    /// An answer that retrying will not change (404 for a deleted model, 401/403, other 4xx).
    case rejected(url: String, status: Int)

    public var description: String {
        switch self {
        case let .gaveUp(url, attempts, problem): "\(url): gave up after \(attempts) attempts (last: \(problem))"
        case let .rejected(url, status): "\(url): HTTP \(status)"
        }
    }

    public var isNotFound: Bool {
        if case .rejected(_, 404) = self { return true }
        return false
    }
}

/// Spaces requests evenly at the configured rate, shared by every task that uses the client.
public actor RateLimiter {
    private let interval: Duration
    private var nextSlot: ContinuousClock.Instant
    private let clock = ContinuousClock()

    public init(requestsPerSecond: Double) {
        interval = requestsPerSecond > 0 ? .nanoseconds(Int64(1e9 / requestsPerSecond)) : .zero
        nextSlot = clock.now
    }

    public func waitForSlot() async throws {
        guard interval > .zero else { return }
        let now = clock.now
        let slot = max(now, nextSlot)
        nextSlot = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: clock) }
    }

    /// A 429's Retry-After holds everyone back, not just the task that got it.
    public func pause(for duration: Duration) {
        nextSlot = max(nextSlot, clock.now + duration)
    }
}

/// Counts for progress lines and the closing report.
public struct RequestStatistics: Sendable {
    public var requests = 0
    public var retries = 0
    public var rateLimited = 0
    public var serverErrors = 0
    public var timeouts = 0
    public var undecodable = 0
}

public final class SketchfabClient: Sendable {
    public let configuration: SketchfabClientConfiguration
    private let transport: HTTPTransport
    private let limiter: RateLimiter
    private let statistics: StatisticsBox

    public init(configuration: SketchfabClientConfiguration, transport: HTTPTransport) {
        self.configuration = configuration
        self.transport = transport
        limiter = RateLimiter(requestsPerSecond: configuration.requestsPerSecond)
        statistics = StatisticsBox()
    }

    public var currentStatistics: RequestStatistics { statistics.value }

    /// The first page of the model list. `GET /v3/search?type=models` documents `sort_by=-likeCount`;
    /// `GET /v3/models` documents only createdAt, viewCount and likedAt, so its order by likes is not promised.
    /// Later pages come from each answer's `next`, followed as given. 24 is the largest page the API serves.
    public func modelListURL(_ endpoint: ModelListEndpoint = .search) -> String {
        switch endpoint {
        case .search: "\(configuration.apiBase)/v3/search?type=models&sort_by=-likeCount&count=24"
        case .models: "\(configuration.apiBase)/v3/models?sort_by=-likeCount&count=24"
        }
    }

    /// Users with the most followers first: the users whose likes `--likes-source user` reads, besides authors.
    public func userListURL() -> String {
        "\(configuration.apiBase)/v3/search?type=users&sort_by=-followerCount&count=24"
    }

    /// The documented way to read likes: the models one user liked (it takes no other filter).
    public func likedByURL(username: String) -> String {
        "\(configuration.apiBase)/v3/models?liked_by=" + (username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? username)
            + "&count=24"
    }

    public func likesURL(model uid: String, offset: Int = 0) -> String {
        "\(configuration.siteBase)/i/likes?model=\(uid)&count=24&offset=\(offset)"
    }

    public func modelURL(_ uid: String) -> String { "\(configuration.apiBase)/v3/models/\(uid)" }

    public func modelList(url: String) async throws -> ModelListPage { try await fetchJSON(url) }
    public func userList(url: String) async throws -> UserListPage { try await fetchJSON(url) }
    public func likes(url: String) async throws -> LikesPage { try await fetchJSON(url) }
    public func model(uid: String) async throws -> SketchfabModel { try await fetchJSON(modelURL(uid)) }

    public func fetchJSON<Value: Decodable>(_ url: String) async throws -> Value {
        try await fetch(url) { body in try JSONDecoder().decode(Value.self, from: Data(body)) }
    }

    public func fetchBytes(_ url: String) async throws -> [UInt8] {
        try await fetch(url) { $0 }
    }

    /// GET with the shared rate limit; 429, 5xx, transport errors, timeouts and bodies `decode` rejects are retried
    /// with exponential backoff and jitter (half to all of the step; a 429's Retry-After is honoured); other statuses are final.
    public func fetch<Value>(_ url: String, decode: ([UInt8]) throws -> Value) async throws -> Value {
        var headers = [("User-Agent", configuration.userAgent), ("Accept", "application/json")]
        if let token = configuration.token { headers.append(("Authorization", "Token \(token)")) }
        var lastProblem = ""
        for attempt in 1...configuration.maximumAttempts {
            try Task.checkCancellation()
            try await limiter.waitForSlot()
            statistics.update { $0.requests += 1; if attempt > 1 { $0.retries += 1 } }
            var retryAfter: Duration?
            do {
                let response = try await transport.get(url, headers, configuration.timeout)
                switch response.status {
                case 200..<300:
                    do { return try decode(response.body) } catch {
                        statistics.update { $0.undecodable += 1 }
                        lastProblem = "undecodable body (\(response.body.count) bytes): \(error)"
                    }
                case 429:
                    statistics.update { $0.rateLimited += 1 }
                    retryAfter = response.header("Retry-After").flatMap { RetryAfter.parse($0, now: Date()) }
                        .map { min($0, configuration.maximumBackoff * 10) }
                    lastProblem = "HTTP 429"
                    if let retryAfter { await limiter.pause(for: retryAfter) }
                case 500..<600:
                    statistics.update { $0.serverErrors += 1 }
                    lastProblem = "HTTP \(response.status)"
                default:
                    throw SketchfabError.rejected(url: url, status: response.status)
                }
            } catch let error as SketchfabError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as TransportTimeout {
                statistics.update { $0.timeouts += 1 }
                lastProblem = error.description
            } catch {
                lastProblem = "\(error)"
            }
            guard attempt < configuration.maximumAttempts else { break }
            try await Task.sleep(for: retryAfter ?? backoff(attempt: attempt))
        }
        throw SketchfabError.gaveUp(url: url, attempts: configuration.maximumAttempts, lastProblem: lastProblem)
    }

    func backoff(attempt: Int) -> Duration {
        let ceiling = min(configuration.maximumBackoff, configuration.initialBackoff * (1 << min(attempt - 1, 20)))
        return ceiling * Double.random(in: 0.5...1.0)
    }
}

final class StatisticsBox: Sendable {
    private let statistics = Mutex(RequestStatistics())

    var value: RequestStatistics { statistics.withLock { $0 } }
    func update(_ change: (inout RequestStatistics) -> Void) { statistics.withLock { change(&$0) } }
}

/// Which list the crawl walks for models.
public enum ModelListEndpoint: String, Sendable, CaseIterable {
    /// `/v3/search?type=models&sort_by=-likeCount`: documented to sort by likes.
    case search
    /// `/v3/models?sort_by=-likeCount`: what the 2017 crawler used; the sort is not documented there.
    case models
}

/// `Retry-After` (RFC 9110): a number of seconds, or an HTTP date.
public enum RetryAfter {
    public static func parse(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 86_400 * 365 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64((max(0, date.timeIntervalSince(now)) * 1000).rounded()))
    }
}
