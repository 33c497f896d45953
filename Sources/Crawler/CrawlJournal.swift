import Foundation
import SketchfabAPI

/// Append-only JSON-lines files under `OUT/.crawl/`: what the crawl has finished, so a rerun of the same command
/// continues where it stopped. A line is written in a single `write` with O_APPEND and only describes finished
/// work (a whole list page, a model's complete likes), so a kill at any moment leaves at worst a partial last
/// line, which reading ignores and the next append overwrites.
struct JournalFile {
    let url: URL

    func readLines<Line: Decodable>(_ type: Line.Type) throws -> [Line] {
        guard let data = FileManager.default.contents(atPath: url.path), !data.isEmpty else { return [] }
        var lines: [Line] = []
        var completeLength = 0
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: 0x0A) {
            let line = data[start..<newline]
            do { lines.append(try JSONDecoder().decode(Line.self, from: line)) } catch {
                throw CrawlError("\(url.path): line \(lines.count + 1) is not valid (\(error)); delete the .crawl folder to start over")
            }
            start = data.index(after: newline)
            completeLength = start - data.startIndex
        }
        if completeLength < data.count {
            // A line cut short by an interruption: drop it so the next append starts on a clean line.
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(completeLength))
            try handle.close()
        }
        return lines
    }

    func append<Line: Encodable>(_ line: Line) throws {
        var bytes = try JSONEncoder().encode(line)
        bytes.append(0x0A)
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CrawlError("\(url.path): cannot open for appending (errno \(errno))") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CrawlError("\(url.path): short write (\(written) of \(bytes.count) bytes)") }
    }

    func sync() {
        let descriptor = open(url.path, O_WRONLY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
    }
}

public struct CrawlError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A model as the list gave it, reduced to what the output files need.
struct ListedModel: Codable, Sendable, Equatable {
    var uid: String
    var name: String
    var likeCount: Int
    var tags: [String]
    var categories: [String]
    var thumbnailURL: String?
    var author: SketchfabModel.User?
}

/// One finished list page: its models that meet the like threshold, and where the walk goes next (nil: done).
struct ListPageLine: Codable, Sendable {
    var page: String
    var models: [ListedModel]
    var next: String?
    /// Like counts came out of order on this page or before: every page is read.
    var unordered: Bool? = nil
    /// The like count of the page's last result, to check the next page's order against.
    var lastLikeCount: Int? = nil
    /// Results that lacked a uid or a name.
    var skipped: Int? = nil
}

/// One finished page of the users search.
struct UserPageLine: Codable, Sendable {
    var page: String
    var users: [SketchfabModel.User]
    var next: String?
}

/// One user's likes among the crawled models, complete (every `liked_by` page read).
struct UserLikesLine: Codable, Sendable {
    var uid: String
    var liked: [String]
}

/// One model's likes, complete (every page read), or the news that it was deleted mid-crawl.
struct LikesLine: Codable, Sendable {
    var uid: String
    var users: [String]
    var deleted: Bool?
}
