import Foundation

/// The dialect of the published Rec-a-Sketch files: `|` between fields, rows ended by `\r\n` (a bare `\n` is
/// accepted too), and a field holding `|`, `\`, `\r` or `\n` wrapped in backslashes with inner backslashes
/// doubled — what Python's csv writer produces with `quotechar='\\'` and `doublequote=True`.
public enum PipeSeparatedValues {
    static let pipe = UInt8(ascii: "|")
    static let backslash = UInt8(ascii: "\\")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
}

/// A malformed row, with where it was found: printed as `FILE:LINE: message`.
public struct PSVError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// One parsed record and the physical line on which it starts (1-based; the header is line 1).
public struct PSVRecord: Sendable {
    public var line: Int
    public var fields: [String]
    /// Bytes of the file read up to the end of this record, for progress through a long file.
    public var endOffset: Int = 0

    public init(line: Int, fields: [String], endOffset: Int = 0) {
        self.line = line
        self.fields = fields
        self.endOffset = endOffset
    }
}

/// Streams records out of a file, a few megabytes at a time, so memory does not grow with the file; a record may
/// span chunks. Bytes already in memory are read the same way, as one chunk.
public struct PSVReader: Sendable {
    public let fileName: String
    private let source: Source
    /// Bytes read from a file per chunk (more when one record is longer).
    let chunkSize: Int

    enum Source: Sendable {
        case bytes([UInt8])
        case file(URL)
    }

    public init(bytes: [UInt8], fileName: String) {
        source = .bytes(bytes)
        self.fileName = fileName
        chunkSize = max(1, bytes.count)
    }

    /// Checks that the file can be opened; it is read only when its records are, `chunkSize` bytes at a time.
    public init(contentsOf url: URL, chunkSize: Int = 4 << 20) throws {
        self.chunkSize = max(1, chunkSize)
        do {
            try FileHandle(forReadingFrom: url).close()
        } catch {
            throw PSVError(file: url.path, line: 0, message: "cannot read the file (\(error.localizedDescription))")
        }
        source = .file(url)
        fileName = url.path
    }

    /// What parsing one record from a position found.
    enum Step {
        /// The record ends before `end`; `nextLine` is the physical line after it.
        case record(end: Int, nextLine: Int)
        /// The bytes end inside the record and more may follow.
        case needMore
    }

    /// Calls `body` for each record. Empty trailing lines are ignored; anything else malformed throws.
    public func forEachRecord(_ body: (PSVRecord) throws -> Void) throws {
        var buffer: [UInt8]
        var handle: FileHandle?
        var atEnd: Bool
        switch source {
        case .bytes(let bytes):
            (buffer, handle, atEnd) = (bytes, nil, true)
        case .file(let url):
            do { handle = try FileHandle(forReadingFrom: url) } catch {
                throw PSVError(file: fileName, line: 0, message: "cannot read the file (\(error.localizedDescription))")
            }
            (buffer, atEnd) = ([], false)
        }
        defer { try? handle?.close() }
        var dropped = 0
        func refill(keepingFrom position: Int) throws -> Int {
            dropped += position
            buffer.removeSubrange(0..<position)
            guard let handle else { atEnd = true; return 0 }
            let more: Data?
            // A record longer than a chunk doubles the read, so a huge one is not re-parsed once per chunk.
            do { more = try handle.read(upToCount: max(chunkSize, buffer.count)) } catch {
                throw PSVError(file: fileName, line: 0, message: "cannot read the file (\(error.localizedDescription))")
            }
            if let more, !more.isEmpty { buffer.append(contentsOf: more) } else { atEnd = true }
            return 0
        }
        var position = 0
        var line = 1
        var fields: [String] = []
        fields.reserveCapacity(4)
        var fieldBytes: [UInt8] = []
        fieldBytes.reserveCapacity(256)
        // Skip a UTF-8 byte-order mark, which spreadsheet exports sometimes add.
        while buffer.count < 3, !atEnd { position = try refill(keepingFrom: position) }
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        while true {
            if position >= buffer.count {
                if atEnd { return }
                position = try refill(keepingFrom: position)
                continue
            }
            let recordLine = line
            let step = try buffer.withUnsafeBufferPointer { bytes in
                try parseRecord(bytes, from: position, line: line, atEnd: atEnd, fields: &fields, fieldBytes: &fieldBytes)
            }
            switch step {
            case .needMore:
                position = try refill(keepingFrom: position)
            case .record(let end, let nextLine):
                (position, line) = (end, nextLine)
                if fields.count == 1, fields[0].isEmpty { continue }  // blank line
                try body(PSVRecord(line: recordLine, fields: fields, endOffset: dropped + end))
            }
        }
    }

    /// Parses the record starting at `start` into `fields`. With `atEnd`, the bytes end where the file does.
    private func parseRecord(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, line startLine: Int, atEnd: Bool,
                             fields: inout [String], fieldBytes: inout [UInt8]) throws -> Step {
        let count = buffer.count
        var position = start
        var line = startLine
        fields.removeAll(keepingCapacity: true)
        while true {
            fieldBytes.removeAll(keepingCapacity: true)
            if position < count, buffer[position] == PipeSeparatedValues.backslash {
                // Wrapped field: read until a single backslash closes it.
                position += 1
                var closed = false
                while position < count {
                    let byte = buffer[position]
                    if byte == PipeSeparatedValues.backslash {
                        if position + 1 >= count, !atEnd { return .needMore }
                        if position + 1 < count, buffer[position + 1] == PipeSeparatedValues.backslash {
                            fieldBytes.append(byte)
                            position += 2
                            continue
                        }
                        position += 1
                        closed = true
                        break
                    }
                    if byte == PipeSeparatedValues.lineFeed { line += 1 }
                    fieldBytes.append(byte)
                    position += 1
                }
                if !closed {
                    if !atEnd { return .needMore }
                    throw PSVError(file: fileName, line: startLine, message: "a field opened with a backslash is never closed")
                }
            } else {
                while position < count {
                    let byte = buffer[position]
                    if byte == PipeSeparatedValues.pipe || byte == PipeSeparatedValues.lineFeed
                        || byte == PipeSeparatedValues.carriageReturn {
                        break
                    }
                    fieldBytes.append(byte)
                    position += 1
                }
                if position >= count, !atEnd { return .needMore }
            }
            guard let field = String(validating: fieldBytes, as: UTF8.self) else {
                throw PSVError(file: fileName, line: line, message: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(field)

            // After a field: a pipe, the end of the line, or the end of the file.
            if position >= count {
                if !atEnd { return .needMore }
                return .record(end: position, nextLine: line)
            }
            let byte = buffer[position]
            if byte == PipeSeparatedValues.pipe {
                position += 1
            } else if byte == PipeSeparatedValues.lineFeed {
                return .record(end: position + 1, nextLine: line + 1)
            } else if byte == PipeSeparatedValues.carriageReturn {
                if position + 1 >= count, !atEnd { return .needMore }
                if position + 1 < count, buffer[position + 1] == PipeSeparatedValues.lineFeed {
                    return .record(end: position + 2, nextLine: line + 1)
                }
                throw PSVError(file: fileName, line: line, message: "a carriage return not followed by a line feed")
            } else {
                throw PSVError(file: fileName, line: line,
                               message: "unexpected text after the closing backslash of field \(fields.count)")
            }
        }
    }

    /// Reads every record, checking the header (when `header` is given) and the field count of each row.
    public func records(header: [String]?, fieldCount: Int) throws -> [PSVRecord] {
        var result: [PSVRecord] = []
        try forEachRow(header: header, fieldCount: fieldCount) { result.append($0) }
        return result
    }

    /// Calls `body` for every record after the header (checked when `header` is given), each with `fieldCount` fields.
    public func forEachRow(header: [String]?, fieldCount: Int, _ body: (PSVRecord) throws -> Void) throws {
        var sawHeader = header == nil
        try forEachRecord { record in
            if !sawHeader {
                sawHeader = true
                let got = record.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                if got != header {
                    throw PSVError(file: fileName, line: record.line,
                                   message: "expected the header \(header!.joined(separator: "|")), found \(record.fields.joined(separator: "|"))")
                }
                return
            }
            guard record.fields.count == fieldCount else {
                throw PSVError(file: fileName, line: record.line,
                               message: "expected \(fieldCount) fields separated by |, found \(record.fields.count)")
            }
            try body(record)
        }
        if !sawHeader {
            throw PSVError(file: fileName, line: 1, message: "the file is empty; expected the header \(header!.joined(separator: "|"))")
        }
    }
}

/// Writes the same dialect, so files round-trip through the reader byte for byte.
public struct PSVWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Fields with a separator, a backslash or a line break are wrapped; so is one that starts with a byte-order
    /// mark, which the reader would otherwise drop as the file's own mark when the field comes first.
    public static func needsWrapping(_ field: String) -> Bool {
        field.utf8.starts(with: [0xEF, 0xBB, 0xBF])
            || field.utf8.contains { $0 == PipeSeparatedValues.pipe || $0 == PipeSeparatedValues.backslash
                || $0 == PipeSeparatedValues.lineFeed || $0 == PipeSeparatedValues.carriageReturn }
    }

    public mutating func append(row fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(PipeSeparatedValues.pipe) }
            if Self.needsWrapping(field) {
                bytes.append(PipeSeparatedValues.backslash)
                for byte in field.utf8 {
                    if byte == PipeSeparatedValues.backslash { bytes.append(byte) }
                    bytes.append(byte)
                }
                bytes.append(PipeSeparatedValues.backslash)
            } else {
                bytes.append(contentsOf: field.utf8)
            }
        }
        bytes.append(PipeSeparatedValues.carriageReturn)
        bytes.append(PipeSeparatedValues.lineFeed)
    }

    /// Writes to a temporary file beside `url` and renames it into place, so readers never see half a file.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(bytes), to: url)
    }
}

public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                          NSLocalizedDescriptionKey: String(cString: strerror(code))])
        }
    }
}
