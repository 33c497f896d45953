import CLibJPEG
import Foundation

/// JPEG encoding through the system's libjpeg-turbo.
public enum JPEGCodec {
    /// Encodes baseline JPEG at `quality` (1–100). Same pixels and quality give the same bytes.
    public static func encode(_ image: RGBImage, quality: Int = 85) -> [UInt8] {
        let compressor = UnsafeMutablePointer<jpeg_compress_struct>.allocate(capacity: 1)
        let errorManager = UnsafeMutablePointer<jpeg_error_mgr>.allocate(capacity: 1)
        compressor.initialize(to: jpeg_compress_struct())
        errorManager.initialize(to: jpeg_error_mgr())
        defer {
            jpeg_destroy_compress(compressor)
            compressor.deallocate()
            errorManager.deallocate()
        }
        compressor.pointee.err = jpeg_std_error(errorManager)
        jpeg_CreateCompress(compressor, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)

        var output: UnsafeMutablePointer<UInt8>? = nil
        var outputSize: UInt = 0
        jpeg_mem_dest(compressor, &output, &outputSize)
        compressor.pointee.image_width = JDIMENSION(image.width)
        compressor.pointee.image_height = JDIMENSION(image.height)
        compressor.pointee.input_components = 3
        compressor.pointee.in_color_space = JCS_RGB
        jpeg_set_defaults(compressor)
        jpeg_set_quality(compressor, Int32(max(1, min(100, quality))), 1)
        jpeg_start_compress(compressor, 1)
        let rowBytes = image.width * 3
        image.pixels.withUnsafeBufferPointer { pixels in
            var rowPointer: JSAMPROW? = nil
            while compressor.pointee.next_scanline < compressor.pointee.image_height {
                let row = Int(compressor.pointee.next_scanline)
                rowPointer = UnsafeMutablePointer(mutating: pixels.baseAddress! + row * rowBytes)
                _ = withUnsafeMutablePointer(to: &rowPointer) { jpeg_write_scanlines(compressor, $0, 1) }
            }
        }
        jpeg_finish_compress(compressor)
        defer { free(output) }
        guard let output else { return [] }
        return [UInt8](UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }
}
