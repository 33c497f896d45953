import Logging
import ParallelWork
import ServiceLifecycle

/// Writes the instance's counts to SQLite every `interval` and once more on graceful shutdown (SIGTERM), after the
/// server has stopped taking requests: a SIGTERM loses nothing, a SIGKILL at most the last interval. Between writes
/// it reads the other instances' counts back.
public struct VisitorCountsService: Service {
    let counter: VisitorCounter
    let storage: any SiteStorage
    let interval: Duration
    let logger: Logger

    public init(counter: VisitorCounter, storage: any SiteStorage, interval: Duration = .seconds(1), logger: Logger) {
        self.counter = counter
        self.storage = storage
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var quiet = 0
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { break }
                if counter.hasPending {
                    await write(reason: "interval")
                    quiet = 0
                } else {
                    quiet += 1
                    // Every few quiet intervals, the other instances' counts.
                    if quiet % 5 == 0 {
                        let storage = storage, counter = counter
                        try? await runOffThePool { try counter.readStored(from: storage) }
                    }
                }
            }
        }
        await write(reason: "shutdown")
    }

    func write(reason: String) async {
        let storage = storage, counter = counter
        do {
            try await runOffThePool { try counter.write(to: storage) }
            if reason == "shutdown" { logger.notice("visitor counts written", metadata: ["reason": .string(reason)]) }
        } catch {
            logger.error("visitor counts not written; kept in memory for the next write", metadata: [
                "reason": .string(reason), "error": "\(error)",
            ])
        }
    }
}
