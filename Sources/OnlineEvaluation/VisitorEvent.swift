import AlgorithmIdentity
import Foundation

/// What the page's script sends to `POST /api/v1/events`: a carousel came into view, or a card in it was clicked.
/// Nothing about the visitor is in it: the page's model, the carousel, the cards and a position.
public enum VisitorEvent: Sendable, Equatable {
    /// `models` in the order shown; for the mixed carousel `placedBy` names, card by card, the algorithm that put it
    /// there (empty for an algorithm's own carousel).
    case impression(page: String, carousel: CountedCarousel, models: [String], placedBy: [Recommender])
    case click(Click)

    public struct Click: Sendable, Equatable {
        public var page: String
        public var carousel: CountedCarousel
        public var model: String
        /// From 0, in the carousel as shown.
        public var position: Int
        /// In the mixed carousel: the algorithm that placed the card, the algorithms mixed on this page view, and
        /// whether this is the page view's first click there (the one that decides the page view's comparison).
        public var credited: Recommender?
        public var rankers: [Recommender]
        public var decides: Bool

        public init(page: String, carousel: CountedCarousel, model: String, position: Int, credited: Recommender? = nil,
                    rankers: [Recommender] = [], decides: Bool = false) {
            self.page = page
            self.carousel = carousel
            self.model = model
            self.position = position
            self.credited = credited
            self.rankers = rankers
            self.decides = decides
        }
    }

    /// A model id as events carry it: 1 to 64 ASCII letters and digits.
    public static func isModelID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) }
    }

    /// The most events one body may carry, cards one impression may list, and the last position counted.
    public static let maximumBatch = 32
    public static let maximumCards = 48

    /// The event as the script writes it.
    public var json: [String: Any] {
        switch self {
        case .impression(let page, let carousel, let models, let placedBy):
            var object: [String: Any] = ["type": "impression", "page": page, "carousel": carousel.name, "models": models]
            if !placedBy.isEmpty { object["placed_by"] = placedBy.map(\.name) }
            return object
        case .click(let click):
            var object: [String: Any] = ["type": "click", "page": click.page, "carousel": click.carousel.name,
                                         "model": click.model, "position": click.position]
            if let credited = click.credited {
                object["credited"] = credited.name
                object["rankers"] = click.rankers.map(\.name)
                object["first"] = click.decides
            }
            return object
        }
    }

    /// Encodes events as one body: `{"events": [...]}`.
    public static func body(_ events: [VisitorEvent]) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["events": events.map(\.json)], options: [.sortedKeys])) ?? Data()
    }
}

/// Why a body was refused, naming the event and field.
public struct VisitorEventError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension VisitorEvent {
    /// The events of a body: one event object, or `{"events": [...]}` with at most `maximumBatch`. Any fault refuses
    /// the whole body, so a body is counted entirely or not at all.
    public static func parse(_ data: Data) throws(VisitorEventError) -> [VisitorEvent] {
        let decoded: WireBody
        do {
            decoded = try JSONDecoder().decode(WireBody.self, from: data)
        } catch let error as DecodingError {
            throw VisitorEventError(Self.describe(error))
        } catch {
            throw VisitorEventError("The body is not JSON.")
        }
        let wire: [(String, WireEvent)]
        if let events = decoded.events {
            guard decoded.single.type == nil else {
                throw VisitorEventError("Send one event, or {\"events\": [...]}, not both.")
            }
            guard !events.isEmpty, events.count <= maximumBatch else {
                throw VisitorEventError("events must hold from 1 to \(maximumBatch) events, not \(events.count).")
            }
            wire = events.enumerated().map { ("events[\($0.offset)]", $0.element) }
        } else {
            wire = [("the event", decoded.single)]
        }
        return try wire.map { (place, event) throws(VisitorEventError) in try event.validated(at: place) }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            let trimmed = text.hasPrefix(".") ? String(text.dropFirst()) : text
            return trimmed.isEmpty ? "the body" : trimmed
        }
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "The body must be a JSON object: one event, or {\"events\": [...]}."
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type: expected \(type == Int.self ? "a whole number" : type == Bool.self ? "true or false" : type == String.self ? "a string" : "\(type)")."
        case .valueNotFound(_, let context): return "\(path(context)) is null."
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is missing."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "The body is not JSON." : "\(path(context)) is not valid."
        @unknown default: return "The body could not be read."
        }
    }
}

/// The body as sent: every field optional so a missing one is reported by name rather than by the decoder.
private struct WireBody: Decodable {
    var events: [WireEvent]?
    var single: WireEvent

    enum Keys: String, CodingKey { case events }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        events = try container.decodeIfPresent([WireEvent].self, forKey: .events)
        single = try WireEvent(from: decoder)
    }
}

private struct WireEvent: Decodable {
    var type: String?
    var page: String?
    var carousel: String?
    var models: [String]?
    var placedBy: [String]?
    var model: String?
    var position: Int?
    var credited: String?
    var rankers: [String]?
    var first: Bool?

    enum CodingKeys: String, CodingKey {
        case type, page, carousel, models, model, position, credited, rankers, first
        case placedBy = "placed_by"
    }

    func validated(at place: String) throws(VisitorEventError) -> VisitorEvent {
        func required<T>(_ value: T?, _ field: String) throws(VisitorEventError) -> T {
            guard let value else { throw VisitorEventError("\(place).\(field) is missing.") }
            return value
        }
        func modelID(_ text: String, _ field: String) throws(VisitorEventError) -> String {
            guard VisitorEvent.isModelID(text) else {
                throw VisitorEventError("\(place).\(field) is not a model id: “\(text.prefix(40))”.")
            }
            return text
        }
        func algorithm(_ text: String, _ field: String) throws(VisitorEventError) -> Recommender {
            guard let algorithm = Recommender(name: text), algorithm.canFillCarousel else {
                throw VisitorEventError("\(place).\(field): “\(text.prefix(40))” is not an algorithm; one of \(Algorithm.trainable.map(\.rawValue).joined(separator: ", ")) or an imported one's name.")
            }
            return algorithm
        }
        let page = try modelID(try required(page, "page"), "page")
        let carouselName = try required(carousel, "carousel")
        guard let carousel = CountedCarousel(name: carouselName), carousel.recommender?.canFillCarousel ?? true else {
            throw VisitorEventError("\(place).carousel: “\(carouselName.prefix(40))” is not a carousel; \(CountedCarousel.pickedName) or an algorithm.")
        }
        switch try required(type, "type") {
        case "impression":
            let names = try required(models, "models")
            guard (1...VisitorEvent.maximumCards).contains(names.count) else {
                throw VisitorEventError("\(place).models must list from 1 to \(VisitorEvent.maximumCards) models, not \(names.count).")
            }
            var ids: [String] = []
            for (index, name) in names.enumerated() { ids.append(try modelID(name, "models[\(index)]")) }
            guard Set(ids).count == ids.count else { throw VisitorEventError("\(place).models names a model twice.") }
            var placers: [Recommender] = []
            if carousel == .picked {
                let names = try required(placedBy, "placed_by")
                guard names.count == ids.count else {
                    throw VisitorEventError("\(place).placed_by must name one algorithm per model: \(ids.count), not \(names.count).")
                }
                for (index, name) in names.enumerated() { placers.append(try algorithm(name, "placed_by[\(index)]")) }
            } else if placedBy != nil {
                throw VisitorEventError("\(place).placed_by is only for the \(CountedCarousel.pickedName) carousel.")
            }
            return .impression(page: page, carousel: carousel, models: ids, placedBy: placers)
        case "click":
            let model = try modelID(try required(model, "model"), "model")
            let position = try required(position, "position")
            guard (0..<VisitorEvent.maximumCards).contains(position) else {
                throw VisitorEventError("\(place).position must be from 0 to \(VisitorEvent.maximumCards - 1), not \(position).")
            }
            var click = VisitorEvent.Click(page: page, carousel: carousel, model: model, position: position)
            if carousel == .picked {
                click.credited = try algorithm(try required(credited, "credited"), "credited")
                let names = try required(rankers, "rankers")
                for (index, name) in names.enumerated() { click.rankers.append(try algorithm(name, "rankers[\(index)]")) }
                guard click.rankers.count >= 2, Set(click.rankers).count == click.rankers.count else {
                    throw VisitorEventError("\(place).rankers must name two or more different algorithms.")
                }
                guard click.rankers.contains(click.credited!) else {
                    throw VisitorEventError("\(place).credited (\(click.credited!.name)) is not among its rankers.")
                }
                click.decides = first ?? false
            } else if credited != nil || rankers != nil {
                throw VisitorEventError("\(place).credited and rankers are only for the \(CountedCarousel.pickedName) carousel.")
            }
            return .click(click)
        case let other:
            throw VisitorEventError("\(place).type must be impression or click, not “\(other.prefix(40))”.")
        }
    }
}
