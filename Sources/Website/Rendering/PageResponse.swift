import Foundation
import HTTPTypes
import Hummingbird

/// Responses with the caching headers every page shares: an ETag of the catalogue being served and the page, so a client (or nginx)
/// revalidates with `If-None-Match` and gets a 304 until the catalogue is published again; HEAD gets the headers alone.
enum PageResponse {
    static func page(_ request: Request, catalog: ServedCatalog, key: String, contentType: String = "text/html; charset=utf-8",
                     maxAge: Int = 60, write: (inout ByteBuffer) -> Void) -> Response {
        conditional(request, etag: "\"\(catalog.tag)-\(fingerprint(key))\"", maxAge: maxAge, contentType: contentType) {
            // A model page with five carousels is about 60 KB: start big enough that it is never copied to grow.
            var buffer = ByteBufferAllocator().buffer(capacity: 96 * 1024)
            write(&buffer)
            return buffer
        }
    }

    /// 304 when `If-None-Match` names `etag`; else the body, which is only built then.
    static func conditional(_ request: Request, etag: String, maxAge: Int, contentType: String,
                            body: () -> ByteBuffer) -> Response {
        let headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=\(maxAge)", .contentType: contentType]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == etag || candidate == "W/\(etag)" || candidate == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        return response(request, status: .ok, headers: headers, body: body())
    }

    static func uncached(_ request: Request, status: HTTPResponse.Status, contentType: String, body: ByteBuffer) -> Response {
        response(request, status: status, headers: [.contentType: contentType, .cacheControl: "no-store"], body: body)
    }

    /// HEAD gets the headers and the length alone.
    private static func response(_ request: Request, status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) -> Response {
        guard request.method == .head else { return Response(status: status, headers: headers, body: .init(byteBuffer: body)) }
        var headers = headers
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers)
    }

    /// Short and stable across processes (unlike `Hasher`): enough to tell pages apart within a snapshot.
    static func fingerprint(_ text: String) -> String {
        String(FNV1a.hash(text.utf8), radix: 36)
    }
}

/// The 64-bit FNV-1a hash, continued from `seed` so several inputs can be hashed as one.
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        bytes.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
