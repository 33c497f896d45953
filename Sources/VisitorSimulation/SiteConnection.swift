import AsyncHTTPClient
import Foundation
import NIOCore

/// How the simulator reaches a site: GET and POST by path. Over HTTP for `simulate-visitors`; the tests connect it
/// to the router in process, through the same routes.
public struct SiteConnection: Sendable {
    public var get: @Sendable (_ path: String) async throws -> (status: Int, body: Data)
    public var post: @Sendable (_ path: String, _ body: Data, _ contentType: String) async throws -> (status: Int, body: Data)

    public init(get: @escaping @Sendable (String) async throws -> (status: Int, body: Data),
                post: @escaping @Sendable (String, Data, String) async throws -> (status: Int, body: Data)) {
        self.get = get
        self.post = post
    }

    /// A running site at `baseURL` (such as http://127.0.0.1:8080), through `client`.
    public static func http(baseURL: String, client: HTTPClient) -> SiteConnection {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        @Sendable func send(_ request: HTTPClientRequest) async throws -> (status: Int, body: Data) {
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
            return (Int(response.status.code), Data(body.readableBytesView))
        }
        return SiteConnection(
            get: { path in
                var request = HTTPClientRequest(url: base + path)
                request.headers.add(name: "Accept", value: "application/json")
                return try await send(request)
            },
            post: { path, body, contentType in
                var request = HTTPClientRequest(url: base + path)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body))
                return try await send(request)
            })
    }
}
