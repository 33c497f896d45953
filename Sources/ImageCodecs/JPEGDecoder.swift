import CJPEGCodec

/// JPEG decoding through libjpeg's classic API, driven from C (`Sources/CJPEGCodec`) whose error manager jumps back
/// inside C and returns an error code: libjpeg's default would end the process, and a long jump must not cross Swift
/// frames. Damaged data — including a truncated file, which libjpeg only warns about — is an error, never a crash.
public enum JPEGDecoder {
    public static let maximumPixels = 64_000_000

    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw ImageCodecError("not a JPEG file (no start-of-image marker)")
        }
        guard let decoder = recasketch_jpeg_decoder_create() else { throw ImageCodecError("cannot start the JPEG decoder") }
        defer { recasketch_jpeg_decoder_destroy(decoder) }
        return try bytes.withUnsafeBufferPointer { source in
            var width: Int32 = 0, height: Int32 = 0
            guard recasketch_jpeg_decoder_read_header(decoder, source.baseAddress, source.count, &width, &height) == 0 else {
                throw ImageCodecError("unreadable JPEG header: \(message(decoder))")
            }
            guard width > 0, height > 0, Int(width) * Int(height) <= maximumPixels else {
                throw ImageCodecError("JPEG dimensions \(width)x\(height) are out of range")
            }
            let count = Int(width) * Int(height) * 3
            var failed = false
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
                failed = recasketch_jpeg_decoder_decode_rgb(decoder, target.baseAddress) != 0
                if failed { target.initialize(repeating: 0) }
                initialized = count
            }
            guard !failed else { throw ImageCodecError("damaged JPEG data: \(message(decoder))") }
            return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
        }
    }

    private static func message(_ decoder: OpaquePointer) -> String {
        String(cString: recasketch_jpeg_decoder_message(decoder))
    }
}

/// Decodes a thumbnail file of either format, by content rather than name.
public enum ImageFile {
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 {
            return try PNGCodec.decode(bytes)
        }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 { return try JPEGDecoder.decode(bytes) }
        throw ImageCodecError("not a JPEG or PNG image")
    }
}
