import CatalogStore
import Foundation
import ServiceLifecycle
import SketchfabAPI

/// `serve --refresh-every`: runs the thumbnail refresh next to the web server, at low concurrency and under the
/// client's rate limit so pages are not slowed, and stops with the server's graceful shutdown.
public struct ThumbnailRefreshService: Service {
    public let store: CatalogStore
    public let client: SketchfabClient
    public let refresher: ThumbnailRefresher
    public let interval: Duration
    public let log: @Sendable (String) -> Void

    public init(store: CatalogStore, client: SketchfabClient, refresher: ThumbnailRefresher, interval: Duration,
                log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.client = client
        self.refresher = refresher
        self.interval = interval
        self.log = log
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { _ = try await refresher.run(store: store, client: client, progress: log) } catch is CancellationError {
                    return
                } catch {
                    log("refresh-thumbnails failed: \(error); keeping the current links, next try in \(interval)")
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}

/// "48h", "90m", "30s", "2d" or plain seconds.
public enum DurationParser {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            if let value = Double(number), value >= 0, !(suffix == "s" && number.hasSuffix("m")) {
                return .milliseconds(Int64(value * scale * 1000))
            }
        }
        return Double(trimmed).flatMap { $0 >= 0 ? .milliseconds(Int64($0 * 1000)) : nil }
    }
}
