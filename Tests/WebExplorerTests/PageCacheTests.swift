import Synchronization
import Testing
import WebExplorer

@Suite struct PageCacheTests {
    final class ManualClock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
    }

    @Test func servesFromMemoryUntilThePageExpires() async throws {
        let clock = ManualClock()
        let cache = PageCache(timeToLive: .seconds(60), now: { clock.now })
        let renders = Mutex(0)
        func render() -> String { renders.withLock { $0 += 1; return "page \($0)" } }
        #expect(await cache.page("a") { render() } == "page 1")
        clock.advance(.seconds(59))
        #expect(await cache.page("a") { render() } == "page 1")
        clock.advance(.seconds(2))
        #expect(await cache.page("a") { render() } == "page 2")
        #expect(await cache.page("b") { render() } == "page 3")
    }

    @Test func failedRendersAreNotCached() async throws {
        struct Failure: Error {}
        let cache = PageCache()
        await #expect(throws: Failure.self) { _ = try await cache.page("x") { throw Failure() } }
        #expect(await cache.page("x") { "fine" } == "fine")
    }

    @Test func staysWithinCapacity() async {
        let cache = PageCache(timeToLive: .seconds(60), capacity: 10)
        for index in 0..<100 { _ = await cache.page("page\(index)") { "\(index)" } }
        #expect(cache.count <= 10)
        #expect(await cache.page("page99") { "re-rendered" } == "99")
    }

    @Test func zeroTimeToLiveRendersEveryTime() async {
        let cache = PageCache(timeToLive: .zero)
        _ = await cache.page("a") { "1" }
        #expect(await cache.page("a") { "2" } == "2")
        #expect(cache.count == 0)
    }
}
