import CatalogFiles
import Foundation

/// `user,item[,weight]` files with a header row; ids are strings. The format `peers.py` reads and writes.
public enum InteractionsCSV {
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public static func read(_ url: URL, separator: UInt8 = UInt8(ascii: ",")) throws -> [(user: String, item: String, weight: Float)] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FormatError(file: url.path, line: 0, message: "cannot read the file")
        }
        var result: [(user: String, item: String, weight: Float)] = []
        var sawHeader = false
        var hasWeight = false
        try DelimitedLines.forEach(data, separator: separator) { lineNumber, fields in
            if !sawHeader {
                sawHeader = true
                guard fields.count >= 2, fields[0].lowercased() == "user", fields[1].lowercased() == "item" else {
                    throw FormatError(file: url.path, line: lineNumber, message: "expected the header user,item[,weight]")
                }
                hasWeight = fields.count >= 3
                return
            }
            guard fields.count >= 2, fields.count <= 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw FormatError(file: url.path, line: lineNumber, message: "expected user,item[,weight], found \(fields.count) fields")
            }
            var weight: Float = 1
            if hasWeight, fields.count == 3, !fields[2].isEmpty {
                guard let value = Float(fields[2]), value.isFinite, value >= 0 else {
                    throw FormatError(file: url.path, line: lineNumber, message: "weight \"\(fields[2])\" is not a non-negative number")
                }
                weight = value
            }
            result.append((fields[0], fields[1], weight))
        }
        guard sawHeader else { throw FormatError(file: url.path, line: 1, message: "the file is empty") }
        return result
    }

    public static func write(_ triples: [(user: String, item: String, weight: Float)], to url: URL) throws {
        var text = "user,item,weight\n"
        text.reserveCapacity(triples.count * 48)
        for triple in triples {
            let weight = triple.weight == triple.weight.rounded() ? String(Int(triple.weight)) : String(triple.weight)
            text += "\(triple.user),\(triple.item),\(weight)\n"
        }
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Written beside the target and renamed into place: readers never see half a file.
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}

/// `item,feature[,weight]` files with a header: item side information (tags, categories, genres).
public enum ItemFeaturesCSV {
    public static func read(_ url: URL) throws -> [(item: String, feature: String, weight: Float)] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InteractionsCSV.FormatError(file: url.path, line: 0, message: "cannot read the file")
        }
        var result: [(item: String, feature: String, weight: Float)] = []
        try DelimitedLines.forEach(data, separator: UInt8(ascii: ",")) { lineNumber, fields in
            if lineNumber == 1 {
                guard fields.count >= 2, fields[0].lowercased() == "item", fields[1].lowercased() == "feature" else {
                    throw InteractionsCSV.FormatError(file: url.path, line: 1, message: "expected the header item,feature[,weight]")
                }
                return
            }
            guard fields.count >= 2, fields.count <= 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw InteractionsCSV.FormatError(file: url.path, line: lineNumber, message: "expected item,feature[,weight]")
            }
            var weight: Float = 1
            if fields.count == 3, !fields[2].isEmpty {
                guard let value = Float(fields[2]), value.isFinite, value >= 0 else {
                    throw InteractionsCSV.FormatError(file: url.path, line: lineNumber, message: "weight \"\(fields[2])\" is not a non-negative number")
                }
                weight = value
            }
            result.append((fields[0], fields[1], weight))
        }
        return result
    }

    public static func write(_ rows: [(item: String, feature: String, weight: Float)], to url: URL) throws {
        var text = "item,feature,weight\n"
        for row in rows { text += "\(row.item),\(row.feature),\(row.weight == 1 ? "1" : String(row.weight))\n" }
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}

