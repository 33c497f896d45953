import CJPEGCodec

/// JPEG encoding through libjpeg (Sources/CJPEGCodec), whose errors come back as an error rather than ending the
/// process.
public enum JPEGCodec {
    /// Encodes baseline JPEG at `quality` (1–100). Same pixels and quality give the same bytes.
    public static func encode(_ image: RGBImage, quality: Int = 85) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(RECASKETCH_JPEG_MESSAGE_CAPACITY))
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            recasketch_jpeg_encode_rgb(pixels.baseAddress, Int32(clamping: image.width), Int32(clamping: image.height),
                                       Int32(clamping: quality), &output, &size, &message)
        }
        guard status == 0, let output else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageCodecError("JPEG encoding of a \(image.width)x\(image.height) image failed: \(reason)")
        }
        defer { recasketch_jpeg_free(output) }
        return [UInt8](UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
