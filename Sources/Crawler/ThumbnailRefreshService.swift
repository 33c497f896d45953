import CatalogStore
import ElapsedTime
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

/// "48h", "90m", "30s", "2d", "500ms" or plain seconds, from zero up to `longest`. Anything else, including
/// infinities, NaN, negative or astronomically large values, is nil: a duration never reaches a conversion that traps.
public enum DurationParser {
    /// Ten years: longer than any refresh interval or age that makes sense, far below what `Duration` can hold.
    public static let longest = Duration.seconds(10 * 365 * 86_400)
    public static let longestDescription = "3650d"

    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var number = Substring(trimmed), scale = 1.0
        // "ms" before "s" and "m": the longest suffix that matches wins.
        if let unit = units.first(where: { trimmed.hasSuffix($0.suffix) }) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.seconds
        }
        // Plain decimal digits only: Double() would also take "inf", "nan" and hexadecimal.
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              number.filter({ $0 == "." }).count <= 1, number != ".", let value = Double(number) else { return nil }
        let seconds = value * scale
        guard seconds.isFinite, seconds >= 0, seconds <= longest.inSeconds else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
