/// A Sketchfab model id: 32 lowercase hex digits, or the older 26–27-character mixed-case alphanumeric form.
public struct ModelID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard ModelID.isValid(text) else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: ModelID, rhs: ModelID) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        switch utf8.count {
        case 32:
            if utf8.allSatisfy(isLowerHex) { return true }
            return false
        case 26, 27:
            return utf8.allSatisfy(isAlphanumeric)
        default:
            return false
        }
    }

    /// Why `text` is not a model id, in words for an error message.
    public static func problem(with text: String) -> String? {
        if isValid(text) { return nil }
        if text.isEmpty { return "the model id is empty" }
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"\(shown)\" is not a Sketchfab model id (32 lowercase hex digits, or 26–27 letters and digits)"
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// The model's page on Sketchfab.
    public var sketchfabURL: String { "https://sketchfab.com/models/\(rawValue)" }
}
