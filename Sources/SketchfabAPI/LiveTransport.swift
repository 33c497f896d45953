import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension HTTPTransport {
    /// AsyncHTTPClient with a per-request deadline and a body cap (a thumbnail or a JSON page is far below it).
    public static func live(client: HTTPClient = .shared, maximumBodyBytes: Int = 32 << 20) -> HTTPTransport {
        HTTPTransport { url, headers, timeout in
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let seconds = timeout.components.seconds, nanos = timeout.components.attoseconds / 1_000_000_000
            let deadline = TimeAmount.seconds(seconds) + .nanoseconds(nanos)
            do {
                let response = try await client.execute(request, timeout: deadline)
                let body = try await response.body.collect(upTo: maximumBodyBytes)
                return HTTPResponseData(status: Int(response.status.code),
                                        headers: response.headers.map { ($0.name, $0.value) },
                                        body: Array(buffer: body))
            } catch let error as HTTPClientError
                        where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw TransportTimeout(url: url)
            }
        }
    }
}
