import ImageCodecs

/// The visual descriptor used when no pretrained network weights are installed: a colour layout (mean colour of
/// each cell of an 8×8 grid, in a luma/chroma space) and edge-orientation histograms (Sobel gradients binned into
/// 8 orientations over a 4×4 grid, weighted by magnitude). Each half is L2-normalised, then the whole, so cosine
/// similarity weighs colour and shape equally. 320 numbers per image.
public struct ClassicalDescriptor: Sendable {
    public static let colourGrid = 8
    public static let edgeGrid = 4
    public static let orientations = 8
    public static let dimension = colourGrid * colourGrid * 3 + edgeGrid * edgeGrid * orientations

    public init() {}

    public func describe(_ image: RGBImage) -> [Float] {
        let side = 64
        let small = image.resizedBilinear(width: side, height: side)
        var colour = [Float](repeating: 0, count: Self.colourGrid * Self.colourGrid * 3)
        var luma = [Float](repeating: 0, count: side * side)
        let cell = side / Self.colourGrid
        for y in 0..<side {
            for x in 0..<side {
                let index = (y * side + x) * 3
                let r = Float(small.pixels[index]), g = Float(small.pixels[index + 1]), b = Float(small.pixels[index + 2])
                let l = 0.299 * r + 0.587 * g + 0.114 * b
                luma[y * side + x] = l
                let bin = ((y / cell) * Self.colourGrid + x / cell) * 3
                colour[bin] += l
                colour[bin + 1] += b - l
                colour[bin + 2] += r - l
            }
        }
        var edges = [Float](repeating: 0, count: Self.edgeGrid * Self.edgeGrid * Self.orientations)
        let edgeCell = side / Self.edgeGrid
        for y in 1..<(side - 1) {
            for x in 1..<(side - 1) {
                func at(_ dx: Int, _ dy: Int) -> Float { luma[(y + dy) * side + x + dx] }
                let gx = at(1, -1) + 2 * at(1, 0) + at(1, 1) - at(-1, -1) - 2 * at(-1, 0) - at(-1, 1)
                let gy = at(-1, 1) + 2 * at(0, 1) + at(1, 1) - at(-1, -1) - 2 * at(0, -1) - at(1, -1)
                let magnitude = (gx * gx + gy * gy).squareRoot()
                guard magnitude > 1 else { continue }
                // Orientation modulo π: an edge and its reverse are the same edge.
                var angle = Float(atan2(Double(gy), Double(gx)))
                if angle < 0 { angle += .pi }
                let orientation = min(Self.orientations - 1, Int(angle / .pi * Float(Self.orientations)))
                edges[((y / edgeCell) * Self.edgeGrid + x / edgeCell) * Self.orientations + orientation] += magnitude
            }
        }
        normalise(&colour)
        normalise(&edges)
        var descriptor = colour + edges
        normalise(&descriptor)
        return descriptor
    }

    private func normalise(_ values: inout [Float]) {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for index in values.indices { values[index] /= norm }
    }
}

import Foundation
