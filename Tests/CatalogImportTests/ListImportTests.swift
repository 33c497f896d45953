import AlgorithmIdentity
import CatalogFiles
import CatalogImport
import CatalogStore
import Foundation
import TestSupport
import Testing

@Suite struct ListImportTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let ids = TinyCatalog.ids.map(\.rawValue)
    static let name = ImportedName(rawValue: "implicit-als")!

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
    }

    func job(_ file: URL, order: ListImport.Order = .score) -> ListImport {
        var job = ListImport(file: file, name: Self.name, title: "implicit's ALS")
        job.order = order
        return job
    }

    func stored() throws -> [String: [String]] { try store.recommendationLists(algorithm: Self.name.rawValue) }

    @Test func listsAreRankedByScoreStoredAsACarouselAndPublished() throws {
        let ids = Self.ids
        let file = try folder.write("lists.psv", """
            model_uid|neighbour_uid|score\r
            \(ids[0])|\(ids[1])|0.2\r
            \(ids[0])|\(ids[2])|0.9\r
            \(ids[0])|\(ids[3])|0.2\r
            \r
            \(ids[1])|\(ids[0])|-1.5e-1\r
            """)
        let generation = try store.publishedGeneration()
        let report = try job(file).run(into: store)
        #expect(report.pairs == 4 && report.models == 2)
        #expect(try stored()[ids[0]] == [ids[2], ids[1], ids[3]], "by score, ties in the file's order")
        #expect(try stored()[ids[1]] == [ids[0]])
        #expect(try store.publishedGeneration() == generation + 1)
        let run = try #require(try store.publishedCatalog().algorithms.first { $0.algorithm == "implicit-als" })
        #expect(run.displayOrder == Recommender.importedDisplayOrder && run.title == "implicit's ALS")
        #expect(run.parameters.contains("\"source\":\"lists.psv\"") && run.parameters.contains("sha256"))

        // Only the best `keep` of a model's pairs are stored.
        var short = job(file)
        short.keep = 2
        #expect(try short.run(into: store).dropped == 1)
        #expect(try stored()[ids[0]] == [ids[2], ids[1]])

        // As the file lists them, and a .csv with the same columns; importing again replaces.
        let csv = try folder.write("lists.csv", "\(ids[0]),\(ids[3]),1\n\(ids[0]),\(ids[2]),5\n")
        _ = try job(csv, order: .file).run(into: store)
        #expect(try stored() == [ids[0]: [ids[3], ids[2]]])
        #expect(try store.removeImportedLists(algorithm: Self.name.rawValue))
        #expect(try stored().isEmpty && !(try store.removeImportedLists(algorithm: Self.name.rawValue)))
        #expect(try store.publishedCatalog().algorithms.isEmpty)
    }

    @Test func everyBadRowIsNamedByFileAndLineAndNothingIsWritten() throws {
        let ids = Self.ids
        _ = try job(try folder.write("good.psv", "\(ids[0])|\(ids[1])|1\n")).run(into: store)
        let generation = try store.publishedGeneration()
        let bad = try folder.write("bad.psv", """
            \(ids[0])|ffffffffffffffffffffffffffffffff|1
            \(ids[1])|\(ids[1])|1
            \(ids[2])|\(ids[3])|nan
            \(ids[2])|\(ids[4])|1e999
            \(ids[3])|\(ids[4])|1
            \(ids[3])|\(ids[4])|2
            \(ids[3])|\(ids[5])
            \(ids[4])|\(ids[5])|0.5
            """)
        let problems = #expect(throws: ListImport.Problems.self) { try job(bad).run(into: store) }
        let lines = try #require(problems?.lines)
        let path = bad.path
        #expect(lines.count == 6)
        #expect(lines.contains("\(path):1: neighbour_uid \"ffffffffffffffffffffffffffffffff\" is not a model of the catalogue"))
        #expect(lines.contains("\(path):2: model \(ids[1]) lists itself"))
        #expect(lines.contains("\(path):3: score \"nan\" is not a finite number"))
        #expect(lines.contains("\(path):4: score \"1e999\" is not a finite number"))
        #expect(lines.contains("\(path):6: the same pair as line 5: a model lists each neighbour once"))
        #expect(lines.contains { $0.hasPrefix("\(path):7: expected 3 fields") })
        #expect(try stored() == [ids[0]: [ids[1]]], "the last good lists stay")
        #expect(try store.publishedGeneration() == generation)
        let empty = try folder.write("empty.psv", "model_uid|neighbour_uid|score\n")
        #expect(throws: ListImport.Problems.self) { try job(empty).run(into: store) }
    }
}
