import CatalogFiles
import CatalogImport
import CatalogStore
import Foundation
import TestSupport
import Testing

@Suite struct CatalogImporterTests {
    @Test func importsAFolderOfPublishedFiles() async throws {
        let folder = try TemporaryDirectory()
        try TinyCatalog.writeFiles(to: folder.url)
        let store = try folder.store()
        let report = try CatalogImporter.run(.folder(folder.url), into: store)
        #expect(report.summary.modelsAdded == 6)
        #expect(report.summary.curatedModels == 4)
        let counts = try store.counts()
        #expect(counts.likes == TinyCatalog.likes.count && counts.features == 12 && counts.users == 8)
        // Names with a pipe, a backslash, a newline and markup survive the files and the database.
        for (mid, name) in zip(TinyCatalog.ids, TinyCatalog.names) {
            #expect(try await store.model(mid: mid.rawValue)?.name == name)
        }
    }

    @Test func aMalformedRowStopsTheImportAndLeavesTheDatabaseAsItWas() throws {
        let folder = try TemporaryDirectory()
        try TinyCatalog.writeFiles(to: folder.url)
        let store = try folder.store()
        _ = try CatalogImporter.run(.folder(folder.url), into: store)
        let before = try store.counts()
        let databaseBefore = try Data(contentsOf: folder.file("catalog.sqlite"))

        let more = folder.url.appendingPathComponent("more")
        try FileManager.default.createDirectory(at: more, withIntermediateDirectories: true)
        _ = try folder.write("more/model_urls.psv", "name|mid\r\nNew One|abcdefabcdefabcdefabcdefabcdefab\r\n")
        _ = try folder.write("more/model_likes_anon.psv",
                             "modelname|mid|uid\r\nNew One|abcdefabcdefabcdefabcdefabcdefab|u9\r\nbroken row|abcdefabcdefabcdefabcdefabcdefab\r\n")
        let error = #expect(throws: PSVError.self) { _ = try CatalogImporter.run(.folder(more), into: store) }
        #expect(error?.line == 3)
        #expect(error?.file.hasSuffix("more/model_likes_anon.psv") == true)
        #expect(try store.counts() == before)
        #expect(try Data(contentsOf: folder.file("catalog.sqlite")) == databaseBefore)
    }

    /// The likes file spans several 4 MB chunks; its last row is bad. Everything read before it was already handed
    /// to the transaction, and none of it stays.
    @Test func aBadRowAfterSeveralChunksRollsBackEverythingBeforeIt() throws {
        let folder = try TemporaryDirectory()
        try TinyCatalog.writeFiles(to: folder.url)
        let store = try folder.store()
        _ = try CatalogImporter.run(.folder(folder.url), into: store)
        let before = try store.counts()
        let more = folder.url.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: more, withIntermediateDirectories: true)
        let mid = TinyCatalog.ids[0].rawValue
        _ = try folder.write("big/model_urls.psv", "name|mid\r\nFirst|\(mid)\r\n")
        var likes = "modelname|mid|uid\r\n"
        let rows = 120_000
        likes.reserveCapacity(rows * 64)
        for user in 0..<rows { likes += "First|\(mid)|user-\(user)-of-a-long-anonymous-id\r\n" }
        likes += "First|\(mid)|\r\n"
        _ = try folder.write("big/model_likes_anon.psv", likes)
        #expect(likes.utf8.count > 2 * (4 << 20))
        var lines: [String] = []
        let error = #expect(throws: PSVError.self) {
            _ = try CatalogImporter.run(.folder(more), into: store) { lines.append($0) }
        }
        #expect(error?.line == rows + 2)
        #expect(error?.message == "the user id (field 3) is empty")
        #expect(try store.counts() == before)
    }

    @Test func aMissingFileIsAClearError() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let error = #expect(throws: PSVError.self) {
            _ = try CatalogImporter.run(CatalogImportSources(urls: folder.file("nope.psv")), into: store)
        }
        #expect(error?.description.contains("nope.psv") == true)
        #expect(error?.description.contains("cannot read the file") == true)
    }

    @Test func registersLocalThumbnails() async throws {
        let folder = try TemporaryDirectory()
        try TinyCatalog.writeFiles(to: folder.url)
        let thumbnails = folder.url.appendingPathComponent("thumbnails")
        try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
        _ = try folder.write("thumbnails/\(TinyCatalog.ids[0].rawValue).jpg", "jpeg bytes")
        _ = try folder.write("thumbnails/readme.txt", "not a thumbnail")
        let store = try folder.store()
        let report = try CatalogImporter.run(.folder(folder.url), into: store)
        #expect(report.summary.localThumbnails == 1)
        #expect(try await store.model(mid: TinyCatalog.ids[0].rawValue)?.thumbnailURL == "/thumbnails/\(TinyCatalog.ids[0].rawValue).jpg")
        #expect(try await store.model(mid: TinyCatalog.ids[1].rawValue)?.thumbnailURL == nil)
    }
}
