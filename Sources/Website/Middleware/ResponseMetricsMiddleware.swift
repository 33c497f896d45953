import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Request counts, durations and errors per route, method and status, under the names Hummingbird's
/// `MetricsMiddleware` uses (`hb_requests`, `http_server_request_duration`, `hb_request_errors`,
/// `http_server_active_requests` in Prometheus), so dashboards written for Hummingbird read them.
///
/// Why not Hummingbird's: it records after the body is sent, by wrapping every body in a closure, and a closure body
/// goes out as a head write and then a body write. Two writes per answer wake nginx twice, and an instance killed
/// between them leaves nginx holding a head it has already passed on and cannot retry elsewhere. This one records when
/// the handler returns, so a ready body leaves with its head in one write; the duration is the time to answer,
/// not to send.
struct ResponseMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let handles: MetricHandles

    init(factory: any MetricsFactory) {
        handles = MetricHandles(factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = handles.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let route = handles.route(context.endpointPath ?? "Unknown", request.method, response.status)
            route.requests.increment()
            route.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = handles.route(context.endpointPath ?? "NotFound", request.method, status)
            route.requests.increment()
            route.errors.increment()
            throw error
        }
    }
}

/// The metric objects, made once per route, method and status: a factory lookup per request would take the
/// registry's lock every time.
final class MetricHandles: Sendable {
    struct Route: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }

    private struct RouteKey: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private let factory: any MetricsFactory
    private let routes = Mutex<[RouteKey: Route]>([:])
    private let activeMeters = Mutex<[HTTPRequest.Method: Meter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        activeMeters.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            meters[method] = meter
            return meter
        }
    }

    func route(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Route {
        let key = RouteKey(route: route, method: method, status: status.code)
        return routes.withLock { routes in
            if let found = routes[key] { return found }
            let dimensions = [("http.route", route), ("http.request.method", method.rawValue),
                              ("http.response.status_code", String(status.code))]
            let made = Route(
                requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory),
                errors: Counter(label: "hb.request.errors",
                                dimensions: [("http.route", route), ("http.request.method", method.rawValue),
                                             ("error.type", String(status.code))], factory: factory))
            routes[key] = made
            return made
        }
    }
}
