import CLibPNG
import Foundation

/// PNG through libpng's simplified API, which reports failures as return codes rather than jumping out.
public enum PNGCodec {
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        control.width = UInt32(image.width)
        control.height = UInt32(image.height)
        control.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let ok = image.pixels.withUnsafeBufferPointer { pixels -> Bool in
            guard png_image_write_to_memory(&control, nil, &size, 0, pixels.baseAddress, 0, nil) != 0 else { return false }
            return true
        }
        guard ok, size > 0 else { throw ImageCodecError("PNG encoding failed: \(message(of: control))") }
        var output = [UInt8](repeating: 0, count: size)
        let written = image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { buffer in
                png_image_write_to_memory(&control, buffer.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
            }
        }
        png_image_free(&control)
        guard written != 0 else { throw ImageCodecError("PNG encoding failed: \(message(of: control))") }
        return Array(output.prefix(size))
    }

    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBufferPointer { buffer in
            png_image_begin_read_from_memory(&control, buffer.baseAddress, buffer.count)
        }
        guard began != 0 else {
            let text = message(of: control)
            png_image_free(&control)
            throw ImageCodecError("not a readable PNG: \(text)")
        }
        control.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(control.width), height = Int(control.height)
        guard width > 0, height > 0, width * height <= 64_000_000 else {
            png_image_free(&control)
            throw ImageCodecError("PNG dimensions \(width)x\(height) are out of range")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBufferPointer { buffer in
            png_image_finish_read(&control, nil, buffer.baseAddress, 0, nil)
        }
        guard finished != 0 else {
            let text = message(of: control)
            png_image_free(&control)
            throw ImageCodecError("PNG data is damaged: \(text)")
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func message(of control: png_image) -> String {
        withUnsafeBytes(of: control.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }
}
