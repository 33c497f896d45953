import CTurboJPEG

/// JPEG decoding through libjpeg-turbo's TurboJPEG interface, which reports errors as return codes (the classic
/// libjpeg interface ends the process on a fatal error unless the caller long-jumps out, which Swift cannot).
/// Damaged data — including a truncated file, which libjpeg only warns about — is an error, never a crash.
public enum JPEGDecoder {
    public static let maximumPixels = 64_000_000

    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw ImageCodecError("not a JPEG file (no start-of-image marker)")
        }
        guard let handle = tjInitDecompress() else { throw ImageCodecError("cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colourspace)
        }
        guard header == 0 else { throw ImageCodecError("unreadable JPEG header: \(message(handle))") }
        guard width > 0, height > 0, Int(width) * Int(height) <= maximumPixels else {
            throw ImageCodecError("JPEG dimensions \(width)x\(height) are out of range")
        }
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        let result = bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                tjDecompress2(handle, source.baseAddress, UInt(source.count), target.baseAddress, width, 0, height,
                              Int32(TJPF_RGB.rawValue), TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING)
            }
        }
        guard result == 0 else { throw ImageCodecError("damaged JPEG data: \(message(handle))") }
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    private static func message(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
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
