import AlgorithmIdentity

/// A carousel whose views and clicks are counted: one algorithm's own list, or "Picked from all of them", the
/// leading algorithms' lists merged by team-draft multileaving in the visitor's browser.
public enum CountedCarousel: Hashable, Sendable, Comparable {
    case algorithm(Recommender)
    case picked

    /// The name events and the database use: the algorithm's, or `picked`.
    public static let pickedName = "picked"

    public init?(name: String) {
        if name == Self.pickedName { self = .picked } else if let algorithm = Recommender(name: name) {
            self = .algorithm(algorithm)
        } else { return nil }
    }

    /// The algorithm of its own carousel; nil for the mixed one.
    public var recommender: Recommender? {
        if case .algorithm(let algorithm) = self { return algorithm }
        return nil
    }

    public var name: String {
        switch self {
        case .algorithm(let algorithm): algorithm.name
        case .picked: Self.pickedName
        }
    }

    public var title: String {
        switch self {
        case .algorithm(let algorithm): algorithm.defaultTitle
        case .picked: "Picked from all of them"
        }
    }

    /// The mixed carousel first, then the algorithms in the model page's order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.picked, .picked): false
        case (.picked, .algorithm): true
        case (.algorithm, .picked): false
        case (.algorithm(let a), .algorithm(let b)): a < b
        }
    }
}

/// Two algorithms of a multileaved page view, in a fixed order (by wire name) so each pair is counted once.
public struct AlgorithmPair: Hashable, Sendable, Comparable {
    public let first: Recommender
    public let second: Recommender

    /// Nil when both are the same algorithm.
    public init?(_ a: Recommender, _ b: Recommender) {
        guard a != b else { return nil }
        (first, second) = a.name < b.name ? (a, b) : (b, a)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.first, lhs.second) < (rhs.first, rhs.second)
    }
}
