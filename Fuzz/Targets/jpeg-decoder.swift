// libFuzzer target: the JPEG decoder (Sources/CJPEGCodec through ImageCodecs) on arbitrary bytes. Built with
// Sources/ImageCodecs by scripts/fuzz.sh. Any input gives an image of the size its header states or an
// ImageCodecError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEGDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Most mutations should reach the decoder rather than stop at the signature check.
    if bytes.count >= 2 { bytes[0] = 0xFF; bytes[1] = 0xD8 }
    do {
        let image = try JPEGDecoder.decode(bytes)
        if image.pixels.count != image.width * image.height * 3 { fatalError("pixel buffer does not match the size") }
    } catch is ImageCodecError {} catch {
        fatalError("the JPEG decoder threw a foreign error: \(error)")
    }
    return 0
}
