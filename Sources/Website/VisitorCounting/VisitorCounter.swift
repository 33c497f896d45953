import AlgorithmIdentity
import CatalogStore
import Foundation
import OnlineEvaluation
import Synchronization

/// The counts of one server instance, in memory between writes: what its visitors' events added since the last
/// write (`pending`), what a write is adding right now (`writing`), and every instance's counts as last read from
/// the database (`stored`). A report adds the three, so it is exact for this instance at any moment; other
/// instances' counts show once read back after the next write (within a second or two).
public final class VisitorCounter: Sendable {
    struct State {
        var stored = VisitorTally()
        var writing = VisitorTally()
        var pending = VisitorTally()
        /// Bumped on every change, for the pages' ETags and their one-second cache.
        var version: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The clock the day is read from (a test sets its own).
    let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public var today: VisitorDay { VisitorDay(now()) }

    /// Adds checked events, all on today.
    func record(_ events: [CountedEvent]) {
        let day = today
        state.withLock { state in
            for event in events { state.pending.record(event, on: day) }
            state.version &+= 1
        }
    }

    /// Every count this instance knows, and the version it is at.
    public func tally() -> (tally: VisitorTally, version: UInt64) {
        state.withLock { state in (state.stored.merged(with: state.writing).merged(with: state.pending), state.version) }
    }

    public var hasPending: Bool { state.withLock { !$0.pending.isEmpty } }

    /// Adds what is pending to the database in one transaction and reads every instance's counts back. A write that
    /// fails puts its counts back in front of what came since, to go with the next write: nothing is lost while the
    /// process lives. Blocking: call it off the event loop.
    public func write(to storage: some SiteStorage) throws {
        let batch = state.withLock { state -> VisitorTally in
            let batch = state.pending
            state.writing.merge(batch)
            state.pending = VisitorTally()
            return batch
        }
        do {
            if !batch.isEmpty {
                let rows = StoredVisitorCounts.rows(of: batch)
                try storage.addVisitorCounts(cards: rows.cards, pairs: rows.pairs)
            }
        } catch {
            state.withLock { state in
                state.pending = batch.merged(with: state.pending)
                state.writing = VisitorTally()
            }
            throw error
        }
        let stored: VisitorTally
        do {
            stored = StoredVisitorCounts.tally(try storage.visitorCounts())
        } catch {
            // Written but not read back: keep showing the batch until a read succeeds.
            state.withLock { state in
                state.stored.merge(state.writing)
                state.writing = VisitorTally()
                state.version &+= 1
            }
            throw error
        }
        state.withLock { state in
            state.stored = stored
            state.writing = VisitorTally()
            state.version &+= 1
        }
    }

    /// Reads every instance's counts without writing (at start, and to see the other instances' counts).
    public func readStored(from storage: some SiteStorage) throws {
        let stored = StoredVisitorCounts.tally(try storage.visitorCounts())
        state.withLock { state in
            guard state.writing.isEmpty else { return }  // a write in flight reads back itself
            if state.stored != stored { state.stored = stored; state.version &+= 1 }
        }
    }
}

/// Between the counts in memory and the rows in SQLite.
enum StoredVisitorCounts {
    static func rows(of tally: VisitorTally) -> (cards: [VisitorCardRow], pairs: [VisitorPairRow]) {
        let cards = tally.cards.map { key, count in
            VisitorCardRow(day: key.day.iso, carousel: key.carousel.name, position: key.position,
                           impressions: count.impressions, clicks: count.clicks)
        }
        let pairs = tally.pairs.map { key, count in
            VisitorPairRow(day: key.day.iso, first: key.pair.first.name, second: key.pair.second.name,
                           wins: count.wins, losses: count.losses, ties: count.ties)
        }
        return (cards, pairs)
    }

    /// Rows this build cannot read (an algorithm it does not know) are skipped, not fatal.
    static func tally(_ rows: (cards: [VisitorCardRow], pairs: [VisitorPairRow])) -> VisitorTally {
        var tally = VisitorTally()
        for row in rows.cards {
            guard let day = VisitorDay(iso: row.day), let carousel = CountedCarousel(name: row.carousel) else { continue }
            let key = VisitorTally.CardKey(day: day, carousel: carousel, position: row.position)
            tally.cards[key, default: .init()] += .init(impressions: row.impressions, clicks: row.clicks)
        }
        for row in rows.pairs {
            guard let day = VisitorDay(iso: row.day), let first = Recommender(name: row.first),
                  let second = Recommender(name: row.second), let pair = AlgorithmPair(first, second) else { continue }
            // Stored from the side of the name that sorts first, which is how AlgorithmPair orders them.
            let key = VisitorTally.PairKey(day: day, pair: pair)
            tally.pairs[key, default: .init()] += .init(wins: row.wins, losses: row.losses, ties: row.ties)
        }
        return tally
    }
}
