import ImageCodecs
import Testing
import VisualFeatures

@Suite struct ClassicalDescriptorTests {
    func image(_ paint: (Int, Int) -> (UInt8, UInt8, UInt8)) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<100 { for x in 0..<100 { let c = paint(x, y); pixels += [c.0, c.1, c.2] } }
        return RGBImage(width: 100, height: 100, pixels: pixels)
    }

    func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func unitLengthAndTheDocumentedSize() {
        let values = ClassicalDescriptor().describe(image { x, y in (UInt8(x * 2), UInt8(y * 2), 90) })
        #expect(values.count == ClassicalDescriptor.dimension)
        #expect(abs(values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    }

    @Test func similarPicturesAreCloserThanDifferentOnes() {
        let descriptor = ClassicalDescriptor()
        let redStripes = descriptor.describe(image { x, _ in x / 10 % 2 == 0 ? (220, 30, 30) : (250, 240, 240) })
        let redStripesShifted = descriptor.describe(image { x, _ in (x + 3) / 10 % 2 == 0 ? (210, 40, 35) : (245, 235, 240) })
        let blueRings = descriptor.describe(image { x, y in
            let d = (x - 50) * (x - 50) + (y - 50) * (y - 50)
            return d / 150 % 2 == 0 ? (20, 40, 200) : (10, 10, 40)
        })
        #expect(cosine(redStripes, redStripesShifted) > cosine(redStripes, blueRings) + 0.2)
    }

    @Test func horizontalAndVerticalEdgesFallInDifferentBins() {
        let descriptor = ClassicalDescriptor()
        let vertical = descriptor.describe(image { x, _ in x / 8 % 2 == 0 ? (0, 0, 0) : (255, 255, 255) })
        let horizontal = descriptor.describe(image { _, y in y / 8 % 2 == 0 ? (0, 0, 0) : (255, 255, 255) })
        let edgeStart = ClassicalDescriptor.colourGrid * ClassicalDescriptor.colourGrid * 3
        #expect(cosine(Array(vertical[edgeStart...]), Array(horizontal[edgeStart...])) < 0.2)
    }
}
