import Foundation
/// The lines of a small delimited file (`\n` or `\r\n`), blank ones skipped, each split on `separator` with its fields
/// trimmed, with its 1-based line number: what the CSV readers of `evaluate` and `import-lists` share (the
/// catalogue's own files have their dialect, `PSVReader`).
public enum DelimitedLines {
    public static func forEach(_ data: Data, separator: UInt8, _ body: (Int, [String]) throws -> Void) rethrows {
        var lineNumber = 0
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty { continue }
            try body(lineNumber, line.split(separator: separator, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) })
        }
    }
}
