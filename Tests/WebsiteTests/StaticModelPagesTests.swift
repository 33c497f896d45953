import CatalogFiles
import CatalogStore
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
@testable import Website

/// `serve --static-pages`: the files nginx sends instead of asking an instance, on a real SQLite file and a real folder.
@Suite(.timeLimit(.minutes(1))) struct StaticModelPagesTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    let pagesFolder: URL

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features, curated: Array(TinyCatalog.models.prefix(4))))
        pagesFolder = folder.url.appendingPathComponent("pages")
        try saveLists(shift: 1)
    }

    /// Each model recommends the model `shift` after it.
    func saveLists(shift: Int) throws {
        let snapshot = try store.trainingLikes()
        let run = AlgorithmRun(algorithm: "itemknn", title: "Often liked together", description: "co-likes",
                               displayOrder: 40, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs,
                                      neighbours: (0..<6).map { [(item: Int32(($0 + shift) % 6), score: Float(0.9))] })
    }

    func makeSite(pages: URL) async throws -> Site {
        try buildSite(ServeConfiguration(databasePath: store.path, staticPagesDirectory: pages.path,
                                         aboutAlgorithms: [AlgorithmDescription(name: "itemknn", title: "Often liked together", description: "co-likes")]),
                      storage: store, renderer: try await PageRenderer())
    }

    func file(_ mid: String) throws -> String {
        try String(contentsOf: pagesFolder.appendingPathComponent("current/models/\(mid).html"), encoding: .utf8)
    }

    /// The system's gzip reads the copy: what a browser would get after nginx's gzip_static.
    func gunzip(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -dc \(file.lastPathComponent)")
        return String(decoding: data, as: UTF8.self)
    }

    func generations() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: pagesFolder.path).filter { $0.hasPrefix("generation-") }.sorted()
    }

    /// Every model's file holds exactly the bytes `/models/{mid}` answers with; writing again is a no-op; a new
    /// publication is written beside the old one and `current` moves to it, keeping one previous generation.
    @Test func everyModelPageIsWrittenAsTheAppServesItAndFollowsPublications() async throws {
        let site = try await makeSite(pages: pagesFolder)
        let pages = try #require(site.reloader.staticPages)
        let first = site.holder.current.generation
        let outcome = await site.reloader.writeStaticPages(of: site.holder.current)
        let size = { (name: String) in try Data(contentsOf: pagesFolder.appendingPathComponent("current/models/\(name)")).count }
        let bytes = try TinyCatalog.ids.reduce(0) { $0 + (try size("\($1.rawValue).html")) }
        let compressed = try TinyCatalog.ids.reduce(0) { $0 + (try size("\($1.rawValue).html.gz")) }
        #expect(outcome == .written(generation: first, pages: 6, bytes: bytes, compressedBytes: compressed))
        #expect(compressed < bytes / 2)
        #expect(pages.currentGeneration() == first)
        try await Application(router: site.router).test(.router) { client in
            for id in TinyCatalog.ids {
                let served = try await client.execute(uri: "/models/\(id.rawValue)", method: .get) { String(buffer: $0.body) }
                #expect(try file(id.rawValue) == served, "\(id)")
                #expect(try gunzip(pagesFolder.appendingPathComponent("current/models/\(id.rawValue).html.gz")) == served, "\(id).gz")
            }
        }
        #expect(await site.reloader.writeStaticPages(of: site.holder.current) == .upToDate(current: first))

        for shift in [2, 3] {
            try saveLists(shift: shift)
            try store.publish()
            #expect(await site.reloader.reload(onlyIfPublished: true, reason: "test"))  // writes the pages too
            #expect(pages.currentGeneration() == site.holder.current.generation)
            #expect(try file(TinyCatalog.ids[0].rawValue).contains("href=\"/models/\(TinyCatalog.ids[shift].rawValue)\""))
        }
        let now = site.holder.current.generation
        #expect(try generations() == ["generation-\(now - 1)", "generation-\(now)"], "the previous generation is kept, older ones go")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: pagesFolder.path).contains { $0.contains("partial") || $0.contains(".new") })
    }

    /// An instance that loaded an older snapshot never moves `current` back; a partial generation left by a crash is
    /// replaced; a folder that cannot be made is an error naming it, and serving goes on.
    @Test func olderSnapshotsLeftoversAndUnwritableFolders() async throws {
        let site = try await makeSite(pages: pagesFolder)
        let pages = try #require(site.reloader.staticPages)
        let old = site.holder.current
        try saveLists(shift: 2)
        try store.publish()
        #expect(await site.reloader.reload(onlyIfPublished: true, reason: "test"))
        #expect(try pages.publish(old) == .upToDate(current: old.generation + 1))
        #expect(pages.currentGeneration() == old.generation + 1)

        try saveLists(shift: 4)
        try store.publish()
        let leftover = pagesFolder.appendingPathComponent(".generation-\(old.generation + 2).partial/models")
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        try Data("half a page".utf8).write(to: leftover.appendingPathComponent("\(TinyCatalog.ids[5].rawValue).html"))
        #expect(await site.reloader.reload(onlyIfPublished: true, reason: "test"))
        #expect(try file(TinyCatalog.ids[5].rawValue).contains("</html>"))

        let blocked = folder.url.appendingPathComponent("a-file")
        try Data("not a folder".utf8).write(to: blocked)
        let broken = try await makeSite(pages: blocked.appendingPathComponent("pages"))
        #expect(throws: StaticModelPages.Failure.self) { try broken.reloader.staticPages?.publish(broken.holder.current) }
        do { _ = try broken.reloader.staticPages?.publish(broken.holder.current) } catch {
            #expect("\(error)".contains(blocked.path))
        }
        #expect(await broken.reloader.writeStaticPages(of: broken.holder.current) == nil)
    }
}
