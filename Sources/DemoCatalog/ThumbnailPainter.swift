import SeededRandom
import ImageCodecs

/// Paints a 200x200 thumbnail in its topic's look: a two-colour gradient background and a handful of the topic's
/// shapes in its palette, varied per model. Similar topics look similar, which gives the visual recommender
/// something real to find.
public struct ThumbnailPainter: Sendable {
    public var size: Int

    public init(size: Int = 200) { self.size = size }

    public func paint(topic: Topic, random: inout SeededGenerator) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        let palette = topic.palette
        let top = jitter(palette[0], &random), bottom = jitter(palette[random.below(2) + 2], &random)
        for y in 0..<size {
            let t = Double(y) / Double(size - 1)
            let colour = mix(top, bottom, t)
            for x in 0..<size {
                let index = (y * size + x) * 3
                pixels[index] = colour.0; pixels[index + 1] = colour.1; pixels[index + 2] = colour.2
            }
        }
        let shapeCount = 3 + random.below(5)
        for _ in 0..<shapeCount {
            let colour = jitter(palette[1 + random.below(palette.count - 1)], &random)
            let centreX = random.below(size), centreY = random.below(size)
            let radius = size / 12 + random.below(size / 4)
            fill(&pixels, style: topic.style, centreX: centreX, centreY: centreY, radius: radius, colour: colour)
        }
        return RGBImage(width: size, height: size, pixels: pixels)
    }

    private func fill(_ pixels: inout [UInt8], style: Topic.ShapeStyle, centreX: Int, centreY: Int, radius: Int,
                      colour: (UInt8, UInt8, UInt8)) {
        let minX = max(0, centreX - radius), maxX = min(size - 1, centreX + radius)
        let minY = max(0, centreY - radius), maxY = min(size - 1, centreY + radius)
        guard minX <= maxX, minY <= maxY else { return }
        let r2 = radius * radius
        for y in minY...maxY {
            for x in minX...maxX {
                let dx = x - centreX, dy = y - centreY
                let inside: Bool
                switch style {
                case .discs: inside = dx * dx + dy * dy <= r2
                case .boxes: inside = abs(dy) <= radius / 2
                case .triangles: inside = dy >= -radius / 2 && abs(dx) * 2 <= (dy + radius / 2) * 2 / 1
                case .stripes: inside = ((x + y) / max(4, radius / 4)) % 2 == 0 && abs(dy) <= radius / 3
                case .rings:
                    let d2 = dx * dx + dy * dy
                    inside = d2 <= r2 && d2 >= (radius * 2 / 3) * (radius * 2 / 3)
                case .diamonds: inside = abs(dx) + abs(dy) <= radius
                }
                if inside {
                    let index = (y * size + x) * 3
                    pixels[index] = colour.0; pixels[index + 1] = colour.1; pixels[index + 2] = colour.2
                }
            }
        }
    }

    private func jitter(_ colour: (UInt8, UInt8, UInt8), _ random: inout SeededGenerator) -> (UInt8, UInt8, UInt8) {
        func shift(_ value: UInt8) -> UInt8 { UInt8(clamping: Int(value) + random.below(41) - 20) }
        return (shift(colour.0), shift(colour.1), shift(colour.2))
    }

    private func mix(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8), _ t: Double) -> (UInt8, UInt8, UInt8) {
        func lerp(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - t) + Double(y) * t).rounded()) }
        return (lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
    }
}
