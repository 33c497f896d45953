import AlgorithmIdentity
import ArgumentParser
import Crawler

/// Why a flag's value was refused. ArgumentParser shows it after "The value 'X' is invalid for '--flag <flag>':"
/// and exits 64 with the usage, so every numeric flag is checked while parsing, before any work starts.
struct ArgumentProblem: Error, CustomStringConvertible {
    var description: String
}

/// Parsers for numeric flags: each accepts only finite values inside a range that the work behind the flag can use,
/// so no value (inf, nan, 1e300, -1, an empty string) reaches a conversion that could trap.
enum ArgumentCheck {
    static func integer(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ArgumentProblem(description: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            guard range.contains(value) else {
                throw ArgumentProblem(description: "must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// A comma-separated list of whole numbers, each in `range`.
    static func integerList(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> [Int] {
        let single = integer(range)
        return { text in
            let values = try text.split(separator: ",", omittingEmptySubsequences: false).map { try single(String($0)) }
            guard !values.isEmpty else { throw ArgumentProblem(description: "expected at least one number") }
            return values
        }
    }

    /// A real number in `range`, or exactly zero when `zeroMeans` says what zero does (e.g. "unlimited").
    static func real(_ range: ClosedRange<Double>, zeroMeans: String? = nil) -> @Sendable (String) throws -> Double {
        { text in
            let expected = "a number from \(range.lowerBound) to \(range.upperBound)" + (zeroMeans.map { ", or 0 (\($0))" } ?? "")
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            // Decimal notation only: Double() also reads "inf", "nan" and hexadecimal such as "0x10".
            guard trimmed.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Double(trimmed), value.isFinite else {
                throw ArgumentProblem(description: "expected \(expected)")
            }
            if value == 0, zeroMeans != nil { return 0 }
            guard range.contains(value) else { throw ArgumentProblem(description: "must be \(expected)") }
            return value
        }
    }

    static func float(_ range: ClosedRange<Double>) -> @Sendable (String) throws -> Float {
        let check = real(range)
        return { Float(try check($0)) }
    }

    /// "48h", "90m", "30s", "2d", "500ms" or plain seconds, from `minimum` to `maximum`.
    static func duration(minimum: Duration = .zero, maximum: Duration = DurationParser.longest) -> @Sendable (String) throws -> Duration {
        { text in
            guard let value = DurationParser.parse(text) else {
                throw ArgumentProblem(description: "expected a duration such as 48h, 90m, 30s or 2d (at most \(DurationParser.longestDescription))")
            }
            guard value >= minimum, value <= maximum else {
                throw ArgumentProblem(description: "must be from \(minimum) to \(DurationParser.longestDescription)")
            }
            return value
        }
    }

    @Sendable static func nonEmpty(_ text: String) throws -> String {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ArgumentProblem(description: "must not be empty") }
        return text
    }

    /// The name a recommender built elsewhere goes by (`ImportedName`), or why it cannot be one.
    @Sendable static func importedName(_ text: String) throws -> ImportedName {
        guard let name = ImportedName(rawValue: text) else {
            throw ArgumentProblem(description: ImportedName.problem(with: text) ?? "not a name")
        }
        return name
    }

    /// Text shown on a page: trimmed, one line, its length in characters within `lengths`.
    static func text(_ lengths: ClosedRange<Int>) -> @Sendable (String) throws -> String {
        { text in
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.contains(where: \.isNewline) else { throw ArgumentProblem(description: "must be one line") }
            guard lengths.contains(trimmed.count) else {
                throw ArgumentProblem(description: "must have \(lengths.lowerBound) to \(lengths.upperBound) characters, not \(trimmed.count)")
            }
            return trimmed
        }
    }
}

/// A setting read from the environment, checked like the flag it stands for; a bad value is a usage error naming
/// the variable rather than a silent fallback to the default.
struct EnvironmentSetting<Value>: Sendable {
    var name: String
    var parse: @Sendable (String) throws -> Value

    func value() throws -> Value? {
        guard let text = Environment.value(name) else { return nil }
        do { return try parse(text) } catch {
            throw ValidationError("\(name)=\(text): \(error)")
        }
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        return text.isEmpty ? nil : text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ArgumentCheck {
    /// An absolute http or https URL.
    @Sendable static func webAddress(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let scheme = trimmed.split(separator: ":", maxSplits: 1).first?.lowercased(), ["http", "https"].contains(scheme),
              trimmed.dropFirst(scheme.count).hasPrefix("://"), trimmed.count > scheme.count + 3 else {
            throw ArgumentProblem(description: "expected an http:// or https:// address")
        }
        return trimmed
    }
}
