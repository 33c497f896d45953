import AlgorithmIdentity

/// The lists a model's page shows, as the server that built the page knows them: what an event is checked against.
public protocol PageLists {
    /// How the lists name a model: its id, or a cheaper handle to one (the server's index into its snapshot).
    associatedtype Entry: Hashable
    /// The models `algorithm` suggests on `page`'s page, in order; nil when it shows none there (or `page` is unknown).
    func list(on page: String, by algorithm: Recommender) -> [Entry]?
    /// The entry of a model id, nil for a model the lists cannot hold.
    func entry(for model: String) -> Entry?
    /// Whether the algorithm's carousel leads the page (and so takes part in the mixed carousel) rather than sitting
    /// among the baselines.
    func leads(_ algorithm: Recommender) -> Bool
}

/// An event that matched its page's lists, reduced to what is counted.
public enum CountedEvent: Sendable, Equatable {
    case impression(carousel: CountedCarousel, cards: Int)
    case click(carousel: CountedCarousel, position: Int, decision: Decision?)

    /// The first click in the mixed carousel on a page view: the algorithm that placed the card against the others
    /// mixed with it.
    public struct Decision: Sendable, Equatable {
        public let credited: Recommender
        public let rankers: [Recommender]

        public init(credited: Recommender, rankers: [Recommender]) {
            self.credited = credited
            self.rankers = rankers
        }
    }
}

extension VisitorEvent {
    /// The event as counted, when every model and algorithm it names is on that page's lists where it says.
    public func checked<Lists: PageLists>(against lists: Lists, at place: String = "the event") throws(VisitorEventError) -> CountedEvent {
        typealias Entry = Lists.Entry
        func list(_ page: String, _ algorithm: Recommender, _ field: String) throws(VisitorEventError) -> [Entry] {
            guard let list = lists.list(on: page, by: algorithm), !list.isEmpty else {
                throw VisitorEventError("\(place).\(field): the page of \(page) shows no \(algorithm.name) carousel.")
            }
            return list
        }
        func leading(_ page: String, _ algorithm: Recommender, _ field: String) throws(VisitorEventError) -> [Entry] {
            guard lists.leads(algorithm) else {
                throw VisitorEventError("\(place).\(field): \(algorithm.name) is a baseline, not mixed into \(CountedCarousel.pickedName).")
            }
            return try list(page, algorithm, field)
        }
        switch self {
        case .impression(let page, .algorithm(let algorithm), let models, _):
            let shown = try list(page, algorithm, "carousel")
            guard models.count <= shown.count, zip(models, shown).allSatisfy({ lists.entry(for: $0) == $1 }) else {
                throw VisitorEventError("\(place).models are not the \(algorithm.name) list of \(page)'s page in its order.")
            }
            return .impression(carousel: .algorithm(algorithm), cards: models.count)
        case .impression(let page, .picked, let models, let placedBy):
            var known: [Recommender: [Entry]] = [:]
            for (index, (model, placer)) in zip(models, placedBy).enumerated() {
                if known[placer] == nil { known[placer] = try leading(page, placer, "placed_by[\(index)]") }
                guard let entry = lists.entry(for: model), known[placer]!.contains(entry) else {
                    throw VisitorEventError("\(place).models[\(index)] (\(model)) is not on \(placer.name)'s list for \(page).")
                }
            }
            return .impression(carousel: .picked, cards: models.count)
        case .click(let click):
            switch click.carousel {
            case .algorithm(let algorithm):
                let shown = try list(click.page, algorithm, "carousel")
                guard click.position < shown.count, lists.entry(for: click.model) == shown[click.position] else {
                    throw VisitorEventError("\(place).model (\(click.model)) is not at position \(click.position) of the \(algorithm.name) list for \(click.page).")
                }
                return .click(carousel: click.carousel, position: click.position, decision: nil)
            case .picked:
                for (index, ranker) in click.rankers.enumerated() { _ = try leading(click.page, ranker, "rankers[\(index)]") }
                let credited = click.credited!  // parse requires it for the mixed carousel
                guard let entry = lists.entry(for: click.model), try list(click.page, credited, "credited").contains(entry) else {
                    throw VisitorEventError("\(place).model (\(click.model)) is not on \(credited.name)'s list for \(click.page).")
                }
                let decision = click.decides ? CountedEvent.Decision(credited: credited, rankers: click.rankers) : nil
                return .click(carousel: .picked, position: click.position, decision: decision)
            }
        }
    }
}
