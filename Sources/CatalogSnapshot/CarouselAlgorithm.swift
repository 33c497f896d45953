import AlgorithmIdentity

/// The algorithm behind a stored list, as the catalogue names it. Which carousels lead the page, how a card marks
/// them and how a suggestion is explained follow from the `Algorithm`; a name this build does not know (a newer
/// trainer's) is shown as a baseline with its score.
public enum CarouselAlgorithm: Equatable, Sendable {
    case known(Algorithm)
    case other(String)

    public init(name: String) {
        self = Algorithm(rawValue: name).map(Self.known) ?? .other(name)
    }

    /// The word a card uses to say another carousel suggests it too.
    public var shortLabel: String {
        switch self {
        case .known(let algorithm): algorithm.shortLabel
        case .other(let name): name
        }
    }
}
