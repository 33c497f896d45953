import CZlib
import NIOCore

/// gzip (RFC 1952) through zlib's deflate: the `.gz` copy of each static model page, which nginx's `gzip_static`
/// sends as it is to every browser (they all accept gzip) instead of compressing the page again on every request.
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "gzip: zlib error \(code)" }
    }

    /// Level 6, zlib's default: within a few percent of 9's size at about half its time.
    static func compress(_ buffer: ByteBuffer, level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        // 15 bits of window, plus 16: a gzip header and trailer instead of zlib's.
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure(code: status) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(buffer.readableBytes)))
        var output = [UInt8](repeating: 0, count: bound)
        let written = try buffer.withUnsafeReadableBytes { input -> Int in
            try output.withUnsafeMutableBytes { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, Z_FINISH)
                // deflateBound guarantees room for everything in one call.
                guard status == Z_STREAM_END else { throw Failure(code: status) }
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
