import Foundation
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
        let bytes = try JPEGCodec.encode(gradient(width: 200, height: 120), quality: 85)
        #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        let size = try JPEGHeader.dimensions(of: bytes)
        #expect(size.width == 200 && size.height == 120)
    }

    @Test func jpegIsDeterministicAndQualityMatters() throws {
        let image = gradient(width: 64, height: 64)
        #expect(try JPEGCodec.encode(image, quality: 80) == JPEGCodec.encode(image, quality: 80))
        #expect(try JPEGCodec.encode(image, quality: 20).count < JPEGCodec.encode(image, quality: 95).count)
    }

    @Test func jpegHeaderRejectsNonJPEG() {
        #expect(throws: ImageCodecError.self) { try JPEGHeader.dimensions(of: [0x89, 0x50, 0x4E, 0x47, 0, 0]) }
        #expect(throws: ImageCodecError.self) { try JPEGHeader.dimensions(of: [0xFF, 0xD8, 0xFF, 0xE0, 0x00]) }
    }
}

@Suite struct JPEGDecoderTests {
    func gradient(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x * 255 / width), UInt8(y * 255 / height), 128] } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test func decodesWhatTheEncoderWroteWithinJPEGError() throws {
        let image = gradient(width: 48, height: 32)
        let decoded = try JPEGDecoder.decode(try JPEGCodec.encode(image, quality: 95))
        #expect(decoded.width == 48 && decoded.height == 32)
        let worst = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst < 12)
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let bytes = try JPEGCodec.encode(gradient(width: 64, height: 64), quality: 90)
        #expect(throws: ImageCodecError.self) { try JPEGDecoder.decode(Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: ImageCodecError.self) { try JPEGDecoder.decode(Array(bytes.prefix(20))) }
        #expect(throws: ImageCodecError.self) { try JPEGDecoder.decode(Array("GIF89a not a jpeg".utf8)) }
        var scrambled = bytes
        for index in stride(from: 30, to: 200, by: 3) { scrambled[index] ^= 0x5A }  // headers and tables
        #expect(throws: ImageCodecError.self) { try JPEGDecoder.decode(scrambled) }
        #expect(throws: ImageCodecError.self) { try ImageFile.decode([]) }
    }

    /// What TurboJPEG used to give: a damaged file is an error naming libjpeg's reason, never a crash, whatever part of
    /// the file is damaged; and the decoder is reusable right after a failure.
    @Test func everyTruncationAndCorruptionIsAnError() throws {
        let image = gradient(width: 40, height: 24)
        let bytes = try JPEGCodec.encode(image, quality: 70)
        for length in stride(from: 2, to: bytes.count - 2, by: 7) {
            #expect(throws: ImageCodecError.self, "truncated to \(length) bytes") { try JPEGDecoder.decode(Array(bytes.prefix(length))) }
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var damaged = bytes
            for _ in 0..<3 { damaged[Int.random(in: 2..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            // Damaged entropy data may still decode to something: either way, no crash and a whole image.
            if let decoded = try? JPEGDecoder.decode(damaged) { #expect(decoded.pixels.count == decoded.width * decoded.height * 3) }
        }
        #expect(try JPEGDecoder.decode(bytes).width == 40)
        let error = #expect(throws: ImageCodecError.self) { try JPEGDecoder.decode(Array(try JPEGCodec.encode(image).prefix(300))) }
        #expect(error?.description.contains("Premature end") == true || error?.description.contains("damaged") == true)
    }

    @Test func greyAndCMYKFilesDecodeToRGB() throws {
        // 8×8 files written by libjpeg (Fuzz/Corpus seeds): greyscale and Adobe-style CMYK.
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/jpeg-decoder")
        for name in ["grey-8x8.jpg", "cmyk-8x8.jpg", "progressive-9x7.jpg"] {
            let decoded = try JPEGDecoder.decode([UInt8](try Data(contentsOf: corpus.appendingPathComponent(name))))
            #expect(decoded.pixels.count == decoded.width * decoded.height * 3, "\(name)")
        }
        let grey = try JPEGDecoder.decode([UInt8](try Data(contentsOf: corpus.appendingPathComponent("grey-8x8.jpg"))))
        let pixels = grey.pixels
        let neutral = stride(from: 0, to: pixels.count, by: 3).allSatisfy { (index: Int) -> Bool in
            pixels[index] == pixels[index + 1] && pixels[index] == pixels[index + 2]
        }
        #expect(neutral, "grey decodes to equal red, green and blue")
    }

    @Test func encodingAnImpossibleSizeIsAnError() {
        let error = #expect(throws: ImageCodecError.self) { try JPEGCodec.encode(RGBImage(width: 70_000, height: 1)) }
        #expect(error?.description.contains("70000x1") == true)
    }

    @Test func imageFileSniffsTheFormat() throws {
        let image = gradient(width: 8, height: 8)
        #expect(try ImageFile.decode(PNGCodec.encode(image)) == image)
        #expect(try ImageFile.decode(try JPEGCodec.encode(image)).width == 8)
    }

    @Test func bilinearResizeKeepsFlatColourAndSize() {
        let flat = RGBImage(width: 200, height: 200, fill: (10, 200, 30))
        let resized = flat.resizedBilinear(width: 224, height: 224)
        #expect(resized.width == 224 && resized.height == 224)
        #expect(Set(stride(from: 0, to: resized.pixels.count, by: 3).map { resized.pixels[$0] }) == [10])
        // A left-dark, right-bright image stays ordered after downscaling.
        let ramp = gradient(width: 100, height: 10).resizedBilinear(width: 10, height: 5)
        let row = (0..<10).map { ramp.pixels[$0 * 3] }
        #expect(row == row.sorted())
    }

    /// A 16:9 picture with coloured side bands loses exactly the bands; a portrait one its top and bottom.
    @Test func centreCropKeepsTheMiddleSquare() {
        var wide = RGBImage(width: 16, height: 9, fill: (255, 0, 255))
        for y in 0..<9 { for x in 3..<12 { wide.pixels[(y * 16 + x) * 3 + 1] = 200; wide.pixels[(y * 16 + x) * 3] = UInt8(x) } }
        let square = wide.centreCroppedSquare()
        #expect(square.width == 9 && square.height == 9)
        let greens: [UInt8] = stride(from: 0, to: square.pixels.count, by: 3).map { square.pixels[$0 + 1] }
        #expect(greens.allSatisfy { $0 == 200 }, "no band left")
        let firstRow: [UInt8] = (0..<9).map { square.pixels[$0 * 3] }
        let columns: [UInt8] = (3..<12).map { UInt8($0) }
        #expect(firstRow == columns, "columns 3–11, in order")
        let tall = RGBImage(width: 4, height: 10, fill: (1, 2, 3)).centreCroppedSquare()
        #expect(tall.width == 4 && tall.height == 4)
        let already = RGBImage(width: 5, height: 5, fill: (9, 9, 9))
        #expect(already.centreCroppedSquare() == already)
    }
}
