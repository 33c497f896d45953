// libFuzzer target: the PNG decoder (libpng's simplified API through ImageCodecs) on arbitrary bytes. Built with
// Sources/ImageCodecs by scripts/fuzz.sh. Any input gives an image or an ImageCodecError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNGDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    if bytes.count >= 8 { bytes.replaceSubrange(0..<8, with: signature) }
    do {
        let image = try PNGCodec.decode(bytes)
        if image.pixels.count != image.width * image.height * 3 { fatalError("pixel buffer does not match the size") }
    } catch is ImageCodecError {} catch {
        fatalError("the PNG decoder threw a foreign error: \(error)")
    }
    return 0
}
