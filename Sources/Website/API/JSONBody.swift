import Foundation
import NIOCore

enum JSONBody {
    static let contentType = "application/json"

    /// A JSON string literal, escaped per RFC 8259.
    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        // Most strings (ids, names, tags) need no escape: one copy instead of a write per byte.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(text)
            buffer.writeInteger(UInt8(ascii: "\""))
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            case 0x0A: buffer.writeString("\\n")
            case 0x0D: buffer.writeString("\\r")
            case 0x09: buffer.writeString("\\t")
            case 0..<0x20: buffer.writeString(String(format: "\\u%04x", Int(byte)))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// `"name":"value"`, after a comma unless it opens the object.
    static func writeField(_ name: String, _ value: String, first: Bool = false, into buffer: inout ByteBuffer) {
        buffer.writeString(first ? "\"\(name)\":" : ",\"\(name)\":")
        writeString(value, into: &buffer)
    }

    /// `,"name":[model, …]` from the pre-encoded model objects.
    static func writeModels(_ name: String, _ models: some Sequence<Int32>, from api: APIFragments, into buffer: inout ByteBuffer) {
        buffer.writeString(",\"\(name)\":[")
        for (position, model) in models.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            api.modelJSON.write(model, into: &buffer)
        }
        buffer.writeStaticString("]")
    }

    /// A score as JSON with four decimals, written digit by digit: `String(Float)` was the costliest part of an
    /// answer. Non-finite values, which training never stores, become 0.
    static func writeScore(_ value: Float, into buffer: inout ByteBuffer) {
        guard value.isFinite, abs(value) < 1e9 else { buffer.writeInteger(UInt8(ascii: "0")); return }
        var scaled = Int((Double(value) * 10_000).rounded())
        if scaled < 0 { buffer.writeInteger(UInt8(ascii: "-")); scaled = -scaled }
        var whole = scaled / 10_000
        if whole == 0 {
            buffer.writeInteger(UInt8(ascii: "0"))
        } else {
            var digits: [UInt8] = []
            while whole > 0 { digits.append(UInt8(ascii: "0") + UInt8(whole % 10)); whole /= 10 }
            buffer.writeBytes(digits.reversed())
        }
        let fraction = scaled % 10_000
        let zero = UInt8(ascii: "0")
        buffer.writeMultipleIntegers(UInt8(ascii: "."), zero + UInt8(fraction / 1000), zero + UInt8(fraction / 100 % 10),
                                     zero + UInt8(fraction / 10 % 10), zero + UInt8(fraction % 10))
    }
}

