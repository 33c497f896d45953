import Foundation

/// The name a recommender built elsewhere is imported under (`import-lists --name`): a slug of lower-case letters,
/// digits and single hyphens, at most 40 characters, that is not a built-in algorithm's name nor the mixed
/// carousel's, so every name on a page, in an event or in a URL means one thing.
public struct ImportedName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Names that mean something else on the wire: the mixed carousel's.
    public static let reserved: Set<String> = ["picked"]
    public static let maximumLength = 40

    public init?(rawValue: String) {
        guard Self.problem(with: rawValue) == nil else { return nil }
        self.rawValue = rawValue
    }

    /// Why `text` cannot name an imported recommender, nil when it can.
    public static func problem(with text: String) -> String? {
        if let builtIn = Algorithm(rawValue: text) { return "\"\(builtIn.rawValue)\" is a built-in algorithm's name" }
        if reserved.contains(text) { return "\"\(text)\" is reserved" }
        let bytes = Array(text.utf8)
        guard (1...maximumLength).contains(bytes.count) else {
            return "a name has 1 to \(maximumLength) characters, not \(bytes.count)"
        }
        let isSlug = bytes.enumerated().allSatisfy { index, byte in
            let letterOrDigit = (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
            let innerHyphen = byte == 45 && index > 0 && index < bytes.count - 1 && bytes[index - 1] != 45
            return letterOrDigit || innerHyphen
        }
        return isSlug ? nil : "\"\(text.prefix(40))\" is not a slug (lower-case letters, digits and single inner hyphens, as in implicit-als)"
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Whatever fills a carousel: one of the built-in algorithms, or lists imported from a recommender built elsewhere.
/// The one vocabulary the page, the API, the visitor counts and `evaluate` share; an imported recommender is a
/// carousel like any other, placed after the leading built-ins and mixed into "Picked from all of them".
public enum Recommender: Hashable, Sendable, Comparable, CustomStringConvertible {
    case known(Algorithm)
    case imported(ImportedName)

    /// A built-in's name, or a name that may be imported; nil for anything else.
    public init?(name: String) {
        if let algorithm = Algorithm(rawValue: name) { self = .known(algorithm) } else if let imported = ImportedName(rawValue: name) {
            self = .imported(imported)
        } else { return nil }
    }

    /// The name used on the command line, in the database, in URLs, events and the API.
    public var name: String {
        switch self {
        case .known(let algorithm): algorithm.rawValue
        case .imported(let imported): imported.rawValue
        }
    }

    public var description: String { name }

    public var builtIn: Algorithm? {
        switch self {
        case .known(let algorithm): return algorithm
        case .imported: return nil
        }
    }

    public var isImported: Bool { builtIn == nil }

    /// Whether the name can be a carousel's on a page: a trainable built-in, or any imported recommender.
    public var canFillCarousel: Bool { builtIn.map(Algorithm.trainable.contains) ?? true }

    /// Where an imported carousel goes on the model page: after the leading built-ins, before the baselines' disclosure
    /// (so it is mixed into "Picked from all of them" like them), imported ones among themselves by name.
    public static let importedDisplayOrder = 35

    public var displayOrder: Int { builtIn?.displayOrder ?? Self.importedDisplayOrder }

    /// The word a card uses to say another carousel suggests it too.
    public var shortLabel: String { builtIn?.shortLabel ?? name }

    /// A built-in's title; an imported recommender's title is the one it was imported with, kept with its lists.
    public var defaultTitle: String { builtIn?.title ?? name }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.displayOrder, lhs.name) < (rhs.displayOrder, rhs.name) }

    /// The regular expression an imported name matches, as openapi.json states it beside the built-ins' list.
    public static let importedNamePattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
}
