/// Resampling to a network's input size.
extension RGBImage {
    /// Bilinear resize with half-pixel centres (what TensorFlow and PyTorch's `align_corners=False` do).
    public func resizedBilinear(width targetWidth: Int, height targetHeight: Int) -> RGBImage {
        precondition(targetWidth > 0 && targetHeight > 0)
        if targetWidth == width && targetHeight == height { return self }
        var output = [UInt8](repeating: 0, count: targetWidth * targetHeight * 3)
        let scaleX = Float(width) / Float(targetWidth), scaleY = Float(height) / Float(targetHeight)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<targetHeight {
                let sourceY = max(0, (Float(y) + 0.5) * scaleY - 0.5)
                let y0 = min(height - 1, Int(sourceY)), y1 = min(height - 1, y0 + 1)
                let fy = sourceY - Float(y0)
                for x in 0..<targetWidth {
                    let sourceX = max(0, (Float(x) + 0.5) * scaleX - 0.5)
                    let x0 = min(width - 1, Int(sourceX)), x1 = min(width - 1, x0 + 1)
                    let fx = sourceX - Float(x0)
                    for channel in 0..<3 {
                        let a = Float(source[(y0 * width + x0) * 3 + channel]), b = Float(source[(y0 * width + x1) * 3 + channel])
                        let c = Float(source[(y1 * width + x0) * 3 + channel]), d = Float(source[(y1 * width + x1) * 3 + channel])
                        let top = a + (b - a) * fx, bottom = c + (d - c) * fx
                        output[(y * targetWidth + x) * 3 + channel] = UInt8(max(0, min(255, (top + (bottom - top) * fy).rounded())))
                    }
                }
            }
        }
        return RGBImage(width: targetWidth, height: targetHeight, pixels: output)
    }
}

extension RGBImage {
    /// The largest centred square: a 16:9 thumbnail loses its sides, a portrait one its top and bottom, so scaling it
    /// to a square afterwards never squashes the picture.
    public func centreCroppedSquare() -> RGBImage {
        let side = min(width, height)
        if width == height { return self }
        let left = (width - side) / 2, top = (height - side) / 2
        var output = [UInt8](repeating: 0, count: side * side * 3)
        for row in 0..<side {
            let source = ((top + row) * width + left) * 3
            output.replaceSubrange((row * side * 3)..<((row + 1) * side * 3), with: pixels[source..<(source + side * 3)])
        }
        return RGBImage(width: side, height: side, pixels: output)
    }
}
