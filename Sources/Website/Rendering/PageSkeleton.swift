import Foundation
import NIOCore

/// The values of a template that vary per page, named as the template names them. The cases' order numbers the
/// slots; a page fills them by case, never by position.
protocol TemplateSlot: RawRepresentable<String>, CaseIterable, Equatable, Sendable where AllCases == [Self] {}

/// A page template rendered once with a marker in each slot and split into literal byte runs and slots, so a
/// request writes bytes instead of interpreting the template.
struct PageSkeleton<Slot: TemplateSlot>: Sendable {
    enum Part: Sendable {
        case literal([UInt8])
        case slot(Slot)
    }

    let parts: [Part]
    /// The literal bytes, for sizing a response buffer.
    let literalCount: Int

    /// `fixed` holds the context values that are the same on every page. Each slot's marker is a pair of
    /// private-use characters around its number, which HTML escaping leaves alone.
    init(renderer: PageRenderer, template: String, fixed: [String: Any] = [:]) throws {
        var context = fixed
        for (index, slot) in Slot.allCases.enumerated() { context[slot.rawValue] = "\u{E000}\(index)\u{E001}" }
        let rendered = Array(try renderer.render(template, context).utf8)
        let open = Array("\u{E000}".utf8), close = Array("\u{E001}".utf8)
        var parts: [Part] = []
        var literal: [UInt8] = []
        var position = 0
        while position < rendered.count {
            if rendered[position...].starts(with: open),
               let end = rendered[(position + open.count)...].firstRange(of: close),
               let number = Int(String(decoding: rendered[(position + open.count)..<end.lowerBound], as: UTF8.self)),
               Slot.allCases.indices.contains(number) {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
                parts.append(.slot(Slot.allCases[number]))
                position = end.upperBound
            } else {
                literal.append(rendered[position])
                position += 1
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        literalCount = parts.reduce(0) { if case .literal(let bytes) = $1 { $0 + bytes.count } else { $0 } }
    }

    /// Writes the page: literal runs as they are, each slot by `fill`.
    func write(into buffer: inout ByteBuffer, fill: (Slot, inout ByteBuffer) -> Void) {
        for part in parts {
            switch part {
            case .literal(let bytes): buffer.writeBytes(bytes)
            case .slot(let slot): fill(slot, &buffer)
            }
        }
    }

    /// A template with one slot as the bytes before it and after it (a carousel around its cards).
    static func frame(renderer: PageRenderer, template: String, fixed: [String: Any] = [:]) throws -> (open: [UInt8], close: [UInt8]) {
        let skeleton = try PageSkeleton(renderer: renderer, template: template, fixed: fixed)
        guard let position = skeleton.parts.firstIndex(where: { if case .slot = $0 { true } else { false } }) else {
            throw TemplateRenderingError(template: template)
        }
        func literal(_ parts: ArraySlice<Part>) -> [UInt8] { parts.flatMap { part -> [UInt8] in if case .literal(let bytes) = part { bytes } else { [] } } }
        return (literal(skeleton.parts[..<position]), literal(skeleton.parts[(position + 1)...]))
    }
}

enum HTML {
    /// Escapes text for element content and quoted attribute values, as Mustache's `{{…}}` does.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }
}
