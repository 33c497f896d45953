import CatalogFiles
import Foundation
import Testing

@Suite struct PSVReaderTests {
    func records(_ text: String, file: String = "test.psv") throws -> [PSVRecord] {
        var result: [PSVRecord] = []
        try PSVReader(bytes: Array(text.utf8), fileName: file).forEachRecord { result.append($0) }
        return result
    }

    @Test func readsThePublishedExampleRow() throws {
        let rows = try records("name|mid\r\n\\Overwatch | Dva Fan Art\\|0dea8bff43c34e97a830801fd534528b\r\n")
        #expect(rows.count == 2)
        #expect(rows[1].fields == ["Overwatch | Dva Fan Art", "0dea8bff43c34e97a830801fd534528b"])
        #expect(rows[1].line == 2)
    }

    @Test func undoublesBackslashesInsideWrappedFields() throws {
        let rows = try records("\\a\\\\b\\|x\r\n\\ends with slash\\\\\\|y\r\n")
        #expect(rows[0].fields == ["a\\b", "x"])
        #expect(rows[1].fields == ["ends with slash\\", "y"])
    }

    @Test func keepsNewlinesInWrappedFieldsAndCountsPhysicalLines() throws {
        let rows = try records("name|mid\r\n\\two\r\nlines\\|a\r\nnext|b\r\n")
        #expect(rows[1].fields == ["two\r\nlines", "a"])
        #expect(rows[1].line == 2)
        #expect(rows[2].line == 4)
    }

    @Test func acceptsBareLineFeedsAndAMissingFinalNewline() throws {
        let rows = try records("a|b\nc|d")
        #expect(rows.map(\.fields) == [["a", "b"], ["c", "d"]])
    }

    @Test func keepsUnicodeAndEmptyFields() throws {
        let rows = try records("Ωmega 🐉 ドラゴン||é\r\n")
        #expect(rows[0].fields == ["Ωmega 🐉 ドラゴン", "", "é"])
    }

    @Test func unterminatedWrappedFieldNamesTheLine() throws {
        #expect(throws: PSVError(file: "f.psv", line: 2, message: "a field opened with a backslash is never closed")) {
            _ = try records("name|mid\r\n\\never closed|abc\r\n", file: "f.psv")
        }
    }

    @Test func textAfterAClosingBackslashIsAnError() throws {
        let error = #expect(throws: PSVError.self) { _ = try records("\\ab\\c|d\r\n") }
        #expect(error?.line == 1)
        #expect(error?.description.hasPrefix("test.psv:1: unexpected text") == true)
    }

    @Test func invalidUTF8IsReported() throws {
        let bytes: [UInt8] = Array("a|b\r\n".utf8) + [0xFF, 0xFE] + Array("|c\r\n".utf8)
        let error = #expect(throws: PSVError.self) {
            try PSVReader(bytes: bytes, fileName: "bad.psv").forEachRecord { _ in }
        }
        #expect(error?.line == 2)
    }

    @Test(arguments: [
        "plain", "with | pipe", "back\\slash", "new\nline", "crlf\r\ninside", "\\", "|", "trailing\\", "\\leading",
        "quote \" and 'single'", "<script>alert(1)</script>", "emoji 🐉", "", " spaced ",
        // A field that starts like the file's byte-order mark (found by the psv-reader fuzzer): first in the file, it
        // must not be taken for the mark and dropped.
        "\u{FEFF}", "\u{FEFF}mark first",
    ])
    func writerOutputReadsBackUnchanged(field: String) throws {
        var writer = PSVWriter()
        writer.append(row: [field, "x"])
        writer.append(row: ["y", field])
        var rows: [[String]] = []
        try PSVReader(bytes: writer.bytes, fileName: "round.psv").forEachRecord { rows.append($0.fields) }
        if field.isEmpty {
            // An empty first field followed by "x" is still a two-field record.
            #expect(rows == [["", "x"], ["y", ""]])
        } else {
            #expect(rows == [[field, "x"], ["y", field]])
        }
    }

    @Test func wrapsOnlyFieldsThatNeedIt() {
        var writer = PSVWriter()
        writer.append(row: ["a b", "c|d"])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "a b|\\c|d\\\r\n")
    }
}

@Suite struct CatalogFileFormatTests {
    func reader(_ text: String, _ name: String = "model_urls.psv") -> PSVReader {
        PSVReader(bytes: Array(text.utf8), fileName: name)
    }

    @Test func readsModels() throws {
        let models = try CatalogFileFormat.readModels(reader("name|mid\r\nTin Toy|3a1d51afc73a4e71b4c968f841c2f151\r\nOld|b7LzIm8JrnPw4GBDOMBNGYc39qM\r\n"))
        #expect(models.map(\.name) == ["Tin Toy", "Old"])
        #expect(models[1].mid.rawValue == "b7LzIm8JrnPw4GBDOMBNGYc39qM")
    }

    @Test func wrongHeaderIsReported() {
        let error = #expect(throws: PSVError.self) { _ = try CatalogFileFormat.readModels(reader("mid|name\r\n")) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("expected the header name|mid") == true)
    }

    @Test func wrongFieldCountNamesFileAndLine() {
        let error = #expect(throws: PSVError.self) {
            _ = try CatalogFileFormat.readLikes(reader("modelname|mid|uid\r\nA|3a1d51afc73a4e71b4c968f841c2f151|u1\r\nB|3a1d51afc73a4e71b4c968f841c2f151\r\n", "likes.psv"))
        }
        #expect(error?.description == "likes.psv:3: expected 3 fields separated by |, found 2")
    }

    @Test func badModelIDIsReported() {
        let error = #expect(throws: PSVError.self) {
            _ = try CatalogFileFormat.readModels(reader("name|mid\r\nA|not-an-id\r\n"))
        }
        #expect(error?.line == 2)
        #expect(error?.message.contains("is not a Sketchfab model id") == true)
    }

    @Test func unknownFeatureTypeIsReported() {
        let error = #expect(throws: PSVError.self) {
            _ = try CatalogFileFormat.readFeatures(reader("mid|type|value\r\n3a1d51afc73a4e71b4c968f841c2f151|colour|red\r\n", "feats.psv"))
        }
        #expect(error?.description == "feats.psv:2: the feature type (field 2) is \"colour\"; expected category or tag")
    }

    @Test func curatedListHasNoHeader() throws {
        let curated = try CatalogFileFormat.readCurated(reader("Tin Toy|3a1d51afc73a4e71b4c968f841c2f151\r\n"))
        #expect(curated.count == 1)
    }

    static let sharedData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/sketchfab")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("model_urls.psv").path),
                   "needs ../shared/data/sketchfab"))
    func readsTheRealPublishedModelList() throws {
        let models = try CatalogFileFormat.readModels(PSVReader(contentsOf: Self.sharedData.appendingPathComponent("model_urls.psv")))
        #expect(models.count == 28_824)
        let distinct = Set(models.map(\.mid))
        #expect(distinct.count == 28_806)
        // 954 rows (953 distinct ids) use the older 26–27-character form.
        #expect(models.filter { $0.mid.rawValue.count != 32 }.count == 954)
        #expect(distinct.filter { $0.rawValue.count != 32 }.count == 953)
        #expect(models.contains { $0.name.contains("\n") })
        #expect(models.contains { $0.name == "Overwatch | Dva Fan Art" })
        let curated = try CatalogFileFormat.readCurated(PSVReader(contentsOf: Self.sharedData.appendingPathComponent("model_names.psv")))
        #expect(curated.count == 100)
    }
}

@Suite struct PSVReaderChunkTests {
    /// Every chunk size from 1 byte reads a file exactly as reading it whole does: records span chunks anywhere,
    /// inside wrapped fields, between `\r` and `\n`, at a doubled backslash and at the byte-order mark.
    @Test func chunkBoundariesAnywhereGiveTheSameRecords() throws {
        let text = "\u{FEFF}name|mid\r\n\\two\r\nlines | pipe\\|a\r\n\\ends\\\\\\|b\n\nlast|c"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("psv-chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("chunks.psv")
        try Data(text.utf8).write(to: file)
        var whole: [PSVRecord] = []
        try PSVReader(bytes: Array(text.utf8), fileName: file.path).forEachRecord { whole.append($0) }
        #expect(whole.count == 4)
        #expect(whole[1].fields == ["two\r\nlines | pipe", "a"])
        for chunkSize in 1...text.utf8.count + 1 {
            var chunked: [PSVRecord] = []
            try PSVReader(contentsOf: file, chunkSize: chunkSize).forEachRecord { chunked.append($0) }
            #expect(chunked.map(\.fields) == whole.map(\.fields), "chunk size \(chunkSize)")
            #expect(chunked.map(\.line) == whole.map(\.line), "chunk size \(chunkSize)")
        }
    }

    @Test func anUnclosedFieldInAChunkedFileNamesItsLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("psv-chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("open.psv")
        try Data(("name|mid\r\nok|a\r\n\\never closed|" + String(repeating: "x", count: 5000)).utf8).write(to: file)
        #expect(throws: PSVError(file: file.path, line: 3, message: "a field opened with a backslash is never closed")) {
            try PSVReader(contentsOf: file, chunkSize: 7).forEachRecord { _ in }
        }
    }
}
