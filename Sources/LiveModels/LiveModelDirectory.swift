import CatalogStore
import ElapsedTime
import Foundation

/// Where a server finds live models: in memory (a bounded LRU), else in the `live_models` table (kept across
/// restarts and shared by instances), else read from Sketchfab, one read per model however many visitors ask at
/// once, at most `concurrency` reads at a time. A failure is remembered for a minute so a storm of visitors does
/// not become a storm of requests; an entry older than `maximumAge` is read again.
public actor LiveModelDirectory {
    public struct Settings: Sendable {
        public var capacity: Int
        public var maximumAge: Duration
        public var concurrency: Int
        public var failureMemory: Duration

        public init(capacity: Int = 1000, maximumAge: Duration = .seconds(48 * 3600), concurrency: Int = 4,
                    failureMemory: Duration = .seconds(60)) {
            self.capacity = max(1, capacity)
            self.maximumAge = maximumAge
            self.concurrency = max(1, concurrency)
            self.failureMemory = failureMemory
        }
    }

    let reader: LiveModelReader
    let store: CatalogStore?
    let settings: Settings
    let now: @Sendable () -> Date

    private var memory: [String: LiveModel] = [:]
    /// Least recently used first.
    private var order: [String] = []
    private var inFlight: [String: Task<LiveModel, any Error>] = [:]
    private var failures: [String: (failure: LiveModelFailure, at: Date)] = [:]
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Reads from Sketchfab started, for the tests and the log.
    public private(set) var reads = 0

    public init(reader: LiveModelReader, store: CatalogStore?, settings: Settings = Settings(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.reader = reader
        self.store = store
        self.settings = settings
        self.now = now
    }

    public var cachedCount: Int { memory.count }

    /// A live model already read (in memory or the table), without asking Sketchfab: what "For you" folds in.
    public func kept(_ mid: String) -> LiveModel? {
        if let known = memory[mid] { return known }
        guard let stored = try? store?.liveModel(mid),
              let record = try? JSONDecoder.liveModels.decode(LiveModel.self, from: Data(stored.record.utf8)) else { return nil }
        remember(record)
        return record
    }

    /// The live model, read now if it must be.
    public func model(_ mid: String) async throws(LiveModelFailure) -> LiveModel {
        if let known = memory[mid], fresh(known) {
            touch(mid)
            return known
        }
        if let failed = failures[mid], now().timeIntervalSince(failed.at) < settings.failureMemory.inSeconds {
            throw failed.failure
        }
        if let task = inFlight[mid] { return try await value(of: task) }
        if memory[mid] == nil, let stored = try? store?.liveModel(mid),
           let record = try? JSONDecoder.liveModels.decode(LiveModel.self, from: Data(stored.record.utf8)), fresh(record) {
            remember(record)
            return record
        }
        let task = Task<LiveModel, any Error> { try await self.readNow(mid) }
        inFlight[mid] = task
        do {
            let model = try await value(of: task)
            inFlight[mid] = nil
            return model
        } catch {
            inFlight[mid] = nil
            forgetOldFailures()
            failures[mid] = (error, now())
            throw error
        }
    }

    private func value(of task: Task<LiveModel, any Error>) async throws(LiveModelFailure) -> LiveModel {
        do { return try await task.value } catch let failure as LiveModelFailure { throw failure } catch {
            throw .unreachable(reason: "\(error)", retryAfter: .seconds(60))
        }
    }

    private func readNow(_ mid: String) async throws -> LiveModel {
        await acquire()
        defer { release() }
        reads += 1
        let model = try await reader.read(mid)
        remember(model)
        if let store, let data = try? JSONEncoder.liveModels.encode(model) {
            // Kept for the next restart and the other instances; a failed write costs only a later fetch.
            try? store.saveLiveModel(LiveModelRow(mid: model.mid, fetchedAt: model.fetchedAt, record: String(decoding: data, as: UTF8.self)))
        }
        return model
    }

    /// Ids nobody can read pile up when visitors make them up: past a few thousand, the expired ones go.
    private func forgetOldFailures() {
        guard failures.count >= 4096 else { return }
        let current = now()
        failures = failures.filter { current.timeIntervalSince($0.value.at) < settings.failureMemory.inSeconds }
    }

    private func fresh(_ model: LiveModel) -> Bool {
        now().timeIntervalSince(model.fetchedAt) < settings.maximumAge.inSeconds
    }

    private func remember(_ model: LiveModel) {
        if memory.updateValue(model, forKey: model.mid) == nil { order.append(model.mid) } else { touch(model.mid) }
        while memory.count > settings.capacity, let oldest = order.first {
            order.removeFirst()
            memory[oldest] = nil
        }
    }

    private func touch(_ mid: String) {
        if let at = order.firstIndex(of: mid) { order.remove(at: at) }
        order.append(mid)
    }

    private func acquire() async {
        if running < settings.concurrency { running += 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}

extension JSONEncoder {
    static var liveModels: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    static var liveModels: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
