import AlgorithmIdentity

/// Counts, and nothing else: per day, carousel and position how often a card was shown and clicked; per day and pair
/// of mixed algorithms how many page views each won, lost or tied. What the server keeps in memory, adds to SQLite
/// and reports from.
public struct VisitorTally: Sendable, Equatable {
    public struct CardKey: Hashable, Sendable {
        public let day: VisitorDay
        public let carousel: CountedCarousel
        public let position: Int

        public init(day: VisitorDay, carousel: CountedCarousel, position: Int) {
            self.day = day
            self.carousel = carousel
            self.position = position
        }
    }

    public struct CardCount: Hashable, Sendable {
        public var impressions = 0
        public var clicks = 0

        public init(impressions: Int = 0, clicks: Int = 0) {
            self.impressions = impressions
            self.clicks = clicks
        }

        public static func += (total: inout CardCount, more: CardCount) {
            total.impressions += more.impressions
            total.clicks += more.clicks
        }
    }

    public struct PairKey: Hashable, Sendable {
        public let day: VisitorDay
        public let pair: AlgorithmPair

        public init(day: VisitorDay, pair: AlgorithmPair) {
            self.day = day
            self.pair = pair
        }
    }

    /// From the pair's first algorithm's side: a win is a page view whose deciding click went to `first`.
    public struct PairCount: Hashable, Sendable {
        public var wins = 0
        public var losses = 0
        public var ties = 0

        public init(wins: Int = 0, losses: Int = 0, ties: Int = 0) {
            self.wins = wins
            self.losses = losses
            self.ties = ties
        }

        public var total: Int { wins + losses + ties }

        public static func += (total: inout PairCount, more: PairCount) {
            total.wins += more.wins
            total.losses += more.losses
            total.ties += more.ties
        }
    }

    public var cards: [CardKey: CardCount] = [:]
    public var pairs: [PairKey: PairCount] = [:]

    public init(cards: [CardKey: CardCount] = [:], pairs: [PairKey: PairCount] = [:]) {
        self.cards = cards
        self.pairs = pairs
    }

    public var isEmpty: Bool { cards.isEmpty && pairs.isEmpty }

    /// Adds one checked event on `day`.
    public mutating func record(_ event: CountedEvent, on day: VisitorDay) {
        switch event {
        case .impression(let carousel, let count):
            for position in 0..<count { cards[CardKey(day: day, carousel: carousel, position: position), default: .init()].impressions += 1 }
        case .click(let carousel, let position, let decision):
            cards[CardKey(day: day, carousel: carousel, position: position), default: .init()].clicks += 1
            guard let decision else { return }
            for (index, a) in decision.rankers.enumerated() {
                for b in decision.rankers[(index + 1)...] {
                    guard let pair = AlgorithmPair(a, b) else { continue }
                    let key = PairKey(day: day, pair: pair)
                    if decision.credited == pair.first { pairs[key, default: .init()].wins += 1 }
                    else if decision.credited == pair.second { pairs[key, default: .init()].losses += 1 }
                    else { pairs[key, default: .init()].ties += 1 }
                }
            }
        }
    }

    public mutating func merge(_ other: VisitorTally) {
        for (key, count) in other.cards { cards[key, default: .init()] += count }
        for (key, count) in other.pairs { pairs[key, default: .init()] += count }
    }

    public func merged(with other: VisitorTally) -> VisitorTally {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// The counts of the days from `first` on.
    public func since(_ first: VisitorDay?) -> VisitorTally {
        guard let first else { return self }
        return VisitorTally(cards: cards.filter { $0.key.day >= first }, pairs: pairs.filter { $0.key.day >= first })
    }
}
