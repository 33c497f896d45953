import CatalogFiles
import Foundation

/// `evaluate --user-lists NAME=FILE`: a recommender's own top-N for users, `user|model|rank` a line (comma-separated
/// in a `.csv`), rank from 1, with an optional header.
public enum UserListsFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Items best first, by user; `rename` maps the file's user and item names onto the split's (nil: unknown,
    /// skipped and counted).
    public static func read(_ url: URL, renameUser: (String) -> String? = { $0 }, renameItem: (String) -> String? = { $0 })
        throws -> (lists: [String: [String]], skippedRows: Int) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Problem(description: "\(url.path): cannot read the file")
        }
        let separator = url.pathExtension.lowercased() == "csv" ? UInt8(ascii: ",") : UInt8(ascii: "|")
        var ranked: [String: [(rank: Int, item: String)]] = [:]
        var seen: [String: [String: Int]] = [:]
        var skipped = 0
        try DelimitedLines.forEach(data, separator: separator) { lineNumber, fields in
            if lineNumber == 1, fields.first?.lowercased() == "user" { return }
            guard fields.count == 3 else {
                throw Problem(description: "\(url.path):\(lineNumber): expected 3 fields (user, model, rank), found \(fields.count)")
            }
            guard let rank = Int(fields[2]), rank >= 1 else {
                throw Problem(description: "\(url.path):\(lineNumber): rank \"\(fields[2].prefix(20))\" is not a whole number from 1")
            }
            if let first = seen[fields[0]]?[fields[1]] {
                throw Problem(description: "\(url.path):\(lineNumber): user \(fields[0]) lists model \(fields[1]) again (first on line \(first))")
            }
            seen[fields[0], default: [:]][fields[1]] = lineNumber
            guard let user = renameUser(fields[0]), let item = renameItem(fields[1]) else { skipped += 1; return }
            ranked[user, default: []].append((rank, item))
        }
        guard !ranked.isEmpty else { throw Problem(description: "\(url.path): no rows of known users and models") }
        return (ranked.mapValues { $0.sorted { $0.rank < $1.rank }.map(\.item) }, skipped)
    }
}
