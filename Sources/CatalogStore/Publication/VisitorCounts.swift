import GRDB

/// One day's views and clicks of a carousel's card position, as stored.
public struct VisitorCardRow: Sendable, Equatable, Hashable {
    public var day: String
    public var carousel: String
    public var position: Int
    public var impressions: Int
    public var clicks: Int

    public init(day: String, carousel: String, position: Int, impressions: Int, clicks: Int) {
        self.day = day
        self.carousel = carousel
        self.position = position
        self.impressions = impressions
        self.clicks = clicks
    }
}

/// One day's page views decided for a pair of mixed algorithms, from `first`'s side (`first < second`).
public struct VisitorPairRow: Sendable, Equatable, Hashable {
    public var day: String
    public var first: String
    public var second: String
    public var wins: Int
    public var losses: Int
    public var ties: Int

    public init(day: String, first: String, second: String, wins: Int, losses: Int, ties: Int) {
        self.day = day
        self.first = first
        self.second = second
        self.wins = wins
        self.losses = losses
        self.ties = ties
    }
}

extension CatalogStore {
    /// Adds counts to the stored ones in one transaction: all of them or, on failure, none (the caller keeps them
    /// to add later). Servers sharing the database each add their own.
    public func addVisitorCounts(cards: [VisitorCardRow], pairs: [VisitorPairRow]) throws {
        try database.write { db in
            let addCard = try db.makeStatement(sql: """
                INSERT INTO visitor_card_counts (day, carousel, position, impressions, clicks) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (day, carousel, position) DO UPDATE SET
                    impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks
                """)
            for row in cards {
                try addCard.execute(arguments: [row.day, row.carousel, row.position, row.impressions, row.clicks])
            }
            let addPair = try db.makeStatement(sql: """
                INSERT INTO visitor_pair_counts (day, first, second, wins, losses, ties) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (day, first, second) DO UPDATE SET
                    wins = wins + excluded.wins, losses = losses + excluded.losses, ties = ties + excluded.ties
                """)
            for row in pairs {
                try addPair.execute(arguments: [row.day, row.first, row.second, row.wins, row.losses, row.ties])
            }
        }
    }

    /// Every stored count (a few rows per day and carousel position: small enough to read whole).
    public func visitorCounts() throws -> (cards: [VisitorCardRow], pairs: [VisitorPairRow]) {
        try database.read { db in
            let cards = try Row.fetchAll(db, sql: "SELECT day, carousel, position, impressions, clicks FROM visitor_card_counts").map {
                VisitorCardRow(day: $0[0], carousel: $0[1], position: $0[2], impressions: $0[3], clicks: $0[4])
            }
            let pairs = try Row.fetchAll(db, sql: "SELECT day, first, second, wins, losses, ties FROM visitor_pair_counts").map {
                VisitorPairRow(day: $0[0], first: $0[1], second: $0[2], wins: $0[3], losses: $0[4], ties: $0[5])
            }
            return (cards, pairs)
        }
    }
}
