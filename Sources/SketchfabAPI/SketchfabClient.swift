import Foundation

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
    public var userAgent: String

    public init(apiBase: String = "https://api.sketchfab.com", siteBase: String = "https://sketchfab.com",
                requestsPerSecond: Double = 2, timeout: Duration = .seconds(20), maximumAttempts: Int = 8,
                initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(60), token: String? = nil,
                userAgent: String = "RecASketch-crawler/1.0 (+https://github.com/recasketch)") {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.siteBase = siteBase.hasSuffix("/") ? String(siteBase.dropLast()) : siteBase
        self.requestsPerSecond = requestsPerSecond
        self.timeout = timeout
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.token = token
        self.userAgent = userAgent
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

    public func modelListURL(cursor: String? = nil) -> String {
        var url = "\(configuration.apiBase)/v3/models?sort_by=-likeCount&count=24"
        if let cursor { url += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
        return url
    }

    public func likesURL(model uid: String, offset: Int = 0) -> String {
        "\(configuration.siteBase)/i/likes?model=\(uid)&count=24&offset=\(offset)"
    }

    public func modelURL(_ uid: String) -> String { "\(configuration.apiBase)/v3/models/\(uid)" }

    public func modelList(url: String) async throws -> ModelListPage { try await fetchJSON(url) }
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
                    retryAfter = response.header("Retry-After").flatMap(Double.init).map { .milliseconds(Int64($0 * 1000)) }
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

final class StatisticsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var statistics = RequestStatistics()

    var value: RequestStatistics { lock.withLock { statistics } }
    func update(_ change: (inout RequestStatistics) -> Void) { lock.withLock { change(&statistics) } }
}
