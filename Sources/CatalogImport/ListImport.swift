import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Crypto
import ElapsedTime
import Foundation

/// `import-lists`: item-to-item lists computed by a recommender built elsewhere, checked whole before anything is
/// written, then stored in one transaction as a carousel like the built-in ones.
public struct ListImport: Sendable {
    /// How each model's pairs are ranked: by score, highest first (ties keep the file's order), or as the file lists
    /// them (best first).
    public enum Order: String, Sendable, CaseIterable {
        case score
        case file
    }

    public var file: URL
    public var name: ImportedName
    public var title: String
    public var description: String?
    public var order: Order = .score
    /// Suggestions kept per model, best first: 12 by default, as many as `train` stores and a carousel shows.
    public var keep = 12

    public init(file: URL, name: ImportedName, title: String, description: String? = nil) {
        self.file = file
        self.name = name
        self.title = title
        self.description = description
    }

    public struct Report: Sendable {
        public var pairs: Int
        public var models: Int
        public var dropped: Int
        public var checkSeconds: Double
        public var writeSeconds: Double

        public var lines: [String] {
            [String(format: "%d pairs for %d models checked in %.2f s, written and published in %.2f s", pairs, models, checkSeconds, writeSeconds)]
                + (dropped > 0 ? ["\(dropped) pairs past each model's best kept were left out"] : [])
        }
    }

    /// The file's problems, each `FILE:LINE: message`; the database is left as it was.
    public struct Problems: Error, CustomStringConvertible {
        public var lines: [String]
        public var description: String {
            lines.prefix(5).joined(separator: "\n") + (lines.count > 5 ? "\n… and \(lines.count - 5) more problems" : "")
                + "\nnothing was written"
        }
    }

    /// Reads and checks the file against the catalogue's models, then replaces the lists stored under `name`.
    public func run(into store: CatalogStore) throws -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw Problems(lines: ["\(file.path): cannot read the file (\(error.localizedDescription))"])
        }
        let ids = Dictionary(uniqueKeysWithValues: try store.modelIdentifiers().map { ($1, $0) })
        let (parsed, parseProblems) = Self.parse(data, fileName: file.path,
                                                 separator: UInt8(ascii: file.pathExtension.lowercased() == "csv" ? "," : "|"), ids: ids)
        // Group by model, keeping the file's order within each (a stable sort), then rank.
        let byModel = Dictionary(grouping: parsed.indices, by: { parsed[$0].model })
        var problems: [String] = []
        var models: [Int64] = [], lists: [[(model: Int64, score: Float)]] = [], dropped = 0
        for model in byModel.keys.sorted() {
            var rows = byModel[model]!
            var seen: [Int64: Int] = [:]
            for row in rows {
                if let first = seen[parsed[row].neighbour] {
                    problems.append("\(file.path):\(parsed[row].line): the same pair as line \(parsed[first].line): a model lists each neighbour once")
                } else { seen[parsed[row].neighbour] = row }
            }
            if order == .score { rows.sort { (parsed[$0].score, -$0) > (parsed[$1].score, -$1) } }
            dropped += max(0, rows.count - keep)
            models.append(model)
            lists.append(rows.prefix(keep).map { (parsed[$0].neighbour, parsed[$0].score) })
        }
        problems = parseProblems + problems
        guard problems.isEmpty else { throw Problems(lines: problems) }
        guard !models.isEmpty else { throw Problems(lines: ["\(file.path): no pairs; expected lines of model_uid|neighbour_uid|score"]) }
        let checked = clock.now
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let parameters = ["source": file.lastPathComponent, "sha256": digest, "pairs": String(parsed.count),
                          "models": String(models.count), "order": order.rawValue, "kept_per_model": String(keep)]
        let run = AlgorithmRun(algorithm: name.rawValue, title: title,
                               description: description ?? "Lists brought in from \(file.lastPathComponent), computed outside RecASketch.",
                               displayOrder: Recommender.importedDisplayOrder, parameters: parameters, trainedAt: Date(),
                               trainSeconds: 0)
        try store.replaceImportedLists(ImportedLists(run: run, models: models, lists: lists))
        return Report(pairs: parsed.count, models: models.count, dropped: dropped, checkSeconds: (checked - start).inSeconds,
                      writeSeconds: (clock.now - checked).inSeconds)
    }

    struct Row {
        var model: Int64
        var neighbour: Int64
        var score: Float
        var line: Int
    }

    /// One pair a line (`\n` or `\r\n`), three fields; an optional header `model_uid|neighbour_uid|score`. Problems
    /// are kept (the first 1,000) rather than thrown, so one run names them all.
    static func parse(_ data: Data, fileName: String, separator: UInt8, ids: [String: Int64]) -> (rows: [Row], problems: [String]) {
        var rows: [Row] = [], problems: [String] = []
        let symbol = separator == UInt8(ascii: ",") ? "," : "|"
        func problem(_ line: Int, _ message: String) {
            if problems.count < 1000 { problems.append("\(fileName):\(line): \(message)") }
        }
        DelimitedLines.forEach(data, separator: separator) { line, fields in
            if line == 1, fields.count == 3, ["model_uid", "model"].contains(fields[0].lowercased()) { return }
            guard fields.count == 3 else {
                problem(line, "expected 3 fields separated by \(symbol) (model_uid\(symbol)neighbour_uid\(symbol)score), found \(fields.count)")
                return
            }
            guard let model = ids[fields[0]] else { problem(line, "model_uid \"\(fields[0].prefix(64))\" is not a model of the catalogue"); return }
            guard let neighbour = ids[fields[1]] else {
                problem(line, "neighbour_uid \"\(fields[1].prefix(64))\" is not a model of the catalogue")
                return
            }
            guard model != neighbour else { problem(line, "model \(fields[0]) lists itself"); return }
            guard let score = Double(fields[2]), score.isFinite, Float(score).isFinite else {
                problem(line, "score \"\(fields[2].prefix(32))\" is not a finite number")
                return
            }
            rows.append(Row(model: model, neighbour: neighbour, score: Float(score), line: line))
        }
        return (rows, problems)
    }
}
