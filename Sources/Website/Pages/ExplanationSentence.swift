import CatalogSnapshot
import NIOCore

/// The card's sentence for each kind of reason, written from pre-escaped names and feature values.
extension Explanation {
    /// The card's "why this?" sentence, HTML-escaped, written from pre-escaped names and feature values.
    func writeSentence(into buffer: inout ByteBuffer, overlaps: CarouselOverlaps, comparison: ComparisonFragments) {
        switch self {
        case .similarity(let score):
            buffer.writeStaticString("The thumbnails look alike: image similarity ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(" (1 is identical).")
        case .coLikes(let count, let connecting):
            guard count > 0 else {
                buffer.writeStaticString("No one liked both yet: the people who liked each have similar tastes.")
                return
            }
            if count == 1 { buffer.writeStaticString("1 person liked both") } else {
                Self.writeInteger(count, into: &buffer)
                buffer.writeStaticString(" people liked both")
            }
            guard !connecting.isEmpty else { buffer.writeStaticString("."); return }
            buffer.writeStaticString("; they also liked ")
            Self.writeList(connecting.count, into: &buffer) { comparison.names.write(connecting[connecting.startIndex + $0], into: &$1) }
            buffer.writeStaticString(".")
        case .sharedFeatures(let shared, let score):
            let tags = shared.filter { !overlaps.isCategory($0) }.prefix(5)
            let categories = shared.filter { overlaps.isCategory($0) }.prefix(3)
            guard !tags.isEmpty || !categories.isEmpty else {
                buffer.writeStaticString("No tag in common: their likers and tags place them close together (score ")
                Self.writeDecimal(score, into: &buffer)
                buffer.writeStaticString(").")
                return
            }
            buffer.writeStaticString("Both carry ")
            if !tags.isEmpty {
                buffer.writeStaticString(tags.count == 1 ? "the tag " : "the tags ")
                Self.writeList(tags.count, into: &buffer) { index, buffer in
                    buffer.writeBytes(comparison.featureText[Int(tags[tags.startIndex + index])])
                }
            }
            if !categories.isEmpty {
                buffer.writeStaticString(tags.isEmpty ? "" : " and ")
                buffer.writeStaticString(categories.count == 1 ? "the category " : "the categories ")
                Self.writeList(categories.count, into: &buffer) { index, buffer in
                    buffer.writeBytes(comparison.featureText[Int(categories[categories.startIndex + index])])
                }
            }
            buffer.writeStaticString("; likers agree (score ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(").")
        case .popularity(let likes):
            buffer.writeStaticString("One of the most liked models overall: ")
            Self.writeInteger(likes, into: &buffer)
            buffer.writeStaticString(" likes.")
        case .score(let score):
            buffer.writeStaticString("Score ")
            Self.writeDecimal(score, into: &buffer)
            buffer.writeStaticString(".")
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    static func writeList(_ count: Int, into buffer: inout ByteBuffer, item: (Int, inout ByteBuffer) -> Void) {
        for index in 0..<count {
            if index > 0 { buffer.writeStaticString(index == count - 1 ? " and " : ", ") }
            item(index, &buffer)
        }
    }

    /// A non-negative whole number in decimal, without going through a String.
    static func writeInteger(_ value: Int, into buffer: inout ByteBuffer) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { storage in
            var remaining = UInt(max(0, value)), start = storage.count
            repeat {
                start -= 1
                storage[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: storage[start...]))
        }
    }

    /// Two decimals, digit by digit.
    static func writeDecimal(_ value: Float, into buffer: inout ByteBuffer) {
        guard value.isFinite, abs(value) < 1e9 else { buffer.writeStaticString("0"); return }
        var hundredths = Int((Double(value) * 100).rounded())
        if hundredths < 0 { buffer.writeStaticString("-"); hundredths = -hundredths }
        writeInteger(hundredths / 100, into: &buffer)
        let fraction = hundredths % 100
        buffer.writeMultipleIntegers(UInt8(ascii: "."), UInt8(ascii: "0") + UInt8(fraction / 10), UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}
