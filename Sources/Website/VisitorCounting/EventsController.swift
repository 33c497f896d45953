import AlgorithmIdentity
import CatalogSnapshot
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import OnlineEvaluation

/// `POST /api/v1/events`, where the page's script reports carousels coming into view and cards clicked, and
/// `GET /api/v1/evaluation/online`, the counts' report. An event is counted only when the models and algorithms it
/// names are on that page's lists where it says; a body with one bad event is refused whole (422, naming it).
struct EventsController: Sendable {
    let holder: ServedCatalogHolder
    let counter: VisitorCounter
    let online: OnlineSection
    /// Made once: a metric looked up per request would take the metrics system's lock on every event.
    let accepted = Counter(label: "recasketch_visitor_events_total")
    let refused = Counter(label: "recasketch_visitor_events_refused_total")

    /// Above the largest body the contract allows (32 events of 48 cards, every name at its longest: about 250 KB),
    /// so a schema-valid body is never refused for its size; a page view's events take a few kilobytes. nginx caps
    /// the body at the same size.
    static let maximumBody = 384 * 1024
    static let maximumDays = 3650

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/events", use: events)
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/api/v1/evaluation/online", method: method, use: report)
        }
    }

    @Sendable func events(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/json") else {
            refused.increment()
            throw Problem(status: .unsupportedMediaType, title: "Unsupported media type", detail: "Send the events as application/json.")
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBody) } catch {
            refused.increment()
            throw Problem(status: .contentTooLarge, title: "Content too large", detail: "The body may be at most \(Self.maximumBody) bytes.")
        }
        let lists = SnapshotPageLists(snapshot: holder.current.snapshot)
        let data = Data(body.readableBytesView)
        let counted: [CountedEvent]
        do {
            let events = try VisitorEvent.parse(data)
            counted = try events.enumerated().map { index, event throws(VisitorEventError) in
                try event.checked(against: lists, at: events.count == 1 ? "the event" : "events[\(index)]")
            }
        } catch {
            refused.increment()
            // An event about a page this catalogue does not have is about nothing here: 404, whatever else is wrong
            // with it (looked for only in a refused body, so a counted one is read once).
            if let (place, page) = Self.unknownPage(in: data, lists) {
                throw Problem.notFound("\(place).page: \(page) is not a model of this catalogue.")
            }
            throw Problem(status: .unprocessableContent, title: "Event not counted", detail: error.description)
        }
        counter.record(counted)
        accepted.increment(by: counted.count)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// The first event whose `page` is a well-formed model id the catalogue lacks, with its place in the body.
    static func unknownPage(in body: Data, _ lists: SnapshotPageLists) -> (place: String, page: String)? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        let events = object["events"].map { ($0 as? [Any] ?? []).enumerated().map { ("events[\($0.offset)]", $0.element) } }
            ?? [("the event", object)]
        for (place, event) in events {
            guard let page = (event as? [String: Any])?["page"] as? String, VisitorEvent.isModelID(page),
                  lists.entry(for: page) == nil else { continue }
            return (place, page)
        }
        return nil
    }

    @Sendable func report(_ request: Request, context: BasicRequestContext) throws -> Response {
        let days = try Self.days(request.uri.queryParameters["days"], default: online.defaultDays)
        let (report, _) = online.report(days: days)
        var json = report.json
        json["generation"] = holder.current.generation
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
        return PageResponse.uncached(request, status: .ok, contentType: JSONBody.contentType, body: ByteBuffer(bytes: data))
    }

    /// `?days=N` (1 to 3650) or `?days=all`; absent, the server's `--days`.
    static func days(_ text: Substring?, default fallback: Int?) throws(Problem) -> Int? {
        guard let text else { return fallback }
        if text == "all" { return nil }
        guard let value = Int(text), (1...maximumDays).contains(value) else {
            throw .badRequest("days must be a whole number from 1 to \(maximumDays), or all, not “\(text.prefix(40))”.")
        }
        return value
    }
}

/// The lists a served catalogue shows on a model's page, for checking events: models as their index in the
/// snapshot, so a check compares integers and copies no id.
struct SnapshotPageLists: PageLists {
    let snapshot: CatalogSnapshot

    func list(on page: String, by algorithm: Recommender) -> [Int32]? {
        guard let model = snapshot.model(page),
              let index = snapshot.carousels.firstIndex(where: { $0.algorithm == algorithm }) else { return nil }
        let list = snapshot.carousels[index].list(of: model)
        return list.isEmpty ? nil : Array(list)
    }

    func entry(for model: String) -> Int32? { snapshot.model(model) }

    func leads(_ algorithm: Recommender) -> Bool {
        guard let index = snapshot.carousels.firstIndex(where: { $0.algorithm == algorithm }) else { return false }
        return !snapshot.carousels[index].isBaseline
    }
}
