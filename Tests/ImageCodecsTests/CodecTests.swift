import ImageCodecs
import Testing

@Suite struct CodecTests {
    func gradient(width: Int = 40, height: Int = 30) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(truncatingIfNeeded: x * 6), UInt8(truncatingIfNeeded: y * 8), UInt8(truncatingIfNeeded: (x + y) * 3)] } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test func pngRoundTripsExactly() throws {
        let image = gradient()
        let bytes = try PNGCodec.encode(image)
        #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(try PNGCodec.decode(bytes) == image)
    }

    @Test func pngRejectsGarbageAndTruncation() throws {
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode(Array("not a png at all".utf8)) }
        let bytes = try PNGCodec.encode(gradient())
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode(Array(bytes.prefix(bytes.count / 2))) }
    }

    @Test func jpegIsAWellFormedFileOfTheRightSize() throws {
        let bytes = JPEGCodec.encode(gradient(width: 200, height: 120), quality: 85)
        #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        let size = try JPEGHeader.dimensions(of: bytes)
        #expect(size.width == 200 && size.height == 120)
    }

    @Test func jpegIsDeterministicAndQualityMatters() {
        let image = gradient(width: 64, height: 64)
        #expect(JPEGCodec.encode(image, quality: 80) == JPEGCodec.encode(image, quality: 80))
        #expect(JPEGCodec.encode(image, quality: 20).count < JPEGCodec.encode(image, quality: 95).count)
    }

    @Test func jpegHeaderRejectsNonJPEG() {
        #expect(throws: ImageCodecError.self) { try JPEGHeader.dimensions(of: [0x89, 0x50, 0x4E, 0x47, 0, 0]) }
        #expect(throws: ImageCodecError.self) { try JPEGHeader.dimensions(of: [0xFF, 0xD8, 0xFF, 0xE0, 0x00]) }
    }
}
