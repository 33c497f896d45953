import CatalogFiles
import DemoCatalog
import Foundation
import ImageCodecs
import TestSupport
import Testing

@Suite struct DemoCatalogTests {
    let options = DemoCatalogOptions(models: 120, users: 300, seed: 7)

    func contents(of directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            files[url.path.replacingOccurrences(of: directory.path, with: "")] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory(), c = try TemporaryDirectory()
        _ = try DemoCatalogGenerator(options: options).write(to: a.url)
        _ = try DemoCatalogGenerator(options: options).write(to: b.url)
        var other = options
        other.seed = 8
        _ = try DemoCatalogGenerator(options: other).write(to: c.url)
        let first = try contents(of: a.url)
        #expect(first.count == 5 + 120)
        #expect(first == (try contents(of: b.url)))
        #expect(first["/model_urls.psv"] != (try contents(of: c.url))["/model_urls.psv"])
    }

    @Test func writesValidPublishedFilesWithSketchfabShapedIDs() throws {
        let folder = try TemporaryDirectory()
        let summary = try DemoCatalogGenerator(options: options).write(to: folder.url)
        let models = try CatalogFileFormat.readModels(PSVReader(contentsOf: folder.file(CatalogFileFormat.modelsFileName)))
        let likes = try CatalogFileFormat.readLikes(PSVReader(contentsOf: folder.file(CatalogFileFormat.likesFileName)))
        let features = try CatalogFileFormat.readFeatures(PSVReader(contentsOf: folder.file(CatalogFileFormat.featuresFileName)))
        let curated = try CatalogFileFormat.readCurated(PSVReader(contentsOf: folder.file(CatalogFileFormat.curatedFileName)))
        #expect(models.count == 120 && Set(models.map(\.mid)).count == 120)
        #expect(models.allSatisfy { $0.mid.rawValue.count == 32 })
        #expect(likes.count == summary.likes)
        #expect(Set(likes.map { "\($0.user)|\($0.mid)" }).count == likes.count)
        let known = Set(models.map(\.mid))
        #expect(likes.allSatisfy { known.contains($0.mid) } && features.allSatisfy { known.contains($0.mid) })
        #expect(Set(features.filter { $0.kind == .category }.map(\.mid)).count == 120)
        #expect(curated.count == 100)
        #expect(features.allSatisfy { $0.value == $0.value.lowercased() })
    }

    @Test func popularityIsSkewedAndTastesFollowTopics() throws {
        let folder = try TemporaryDirectory()
        _ = try DemoCatalogGenerator(options: DemoCatalogOptions(models: 400, users: 2000, seed: 3, thumbnails: false))
            .write(to: folder.url)
        let likes = try CatalogFileFormat.readLikes(PSVReader(contentsOf: folder.file(CatalogFileFormat.likesFileName)))
        let topics = try PSVReader(contentsOf: folder.file(CatalogFileFormat.topicsFileName))
            .records(header: ["mid", "topic"], fieldCount: 2)
        let topicOf = Dictionary(uniqueKeysWithValues: topics.map { ($0.fields[0], $0.fields[1]) })
        #expect(Double(likes.count) / 2000 > 7 && Double(likes.count) / 2000 < 14)

        var perModel: [ModelID: Int] = [:]
        for like in likes { perModel[like.mid, default: 0] += 1 }
        let counts = perModel.values.sorted(by: >)
        let topTenth = counts.prefix(counts.count / 10).reduce(0, +)
        #expect(Double(topTenth) / Double(likes.count) > 0.3)

        // A user's likes concentrate on few topics: two random likes of one user share a topic far more often
        // than two random likes overall.
        let byUser = Dictionary(grouping: likes, by: \.user).values.filter { $0.count >= 2 }
        let sameTopic = byUser.filter { topicOf[$0[0].mid.rawValue] == topicOf[$0[1].mid.rawValue] }.count
        #expect(Double(sameTopic) / Double(byUser.count) > 0.35)
    }

    @Test func thumbnailsAre200x200JPEGs() throws {
        let folder = try TemporaryDirectory()
        _ = try DemoCatalogGenerator(options: DemoCatalogOptions(models: 12, users: 20, seed: 1)).write(to: folder.url)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("thumbnails").path)
        #expect(files.count == 12)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: folder.file("thumbnails/\(file)")))
            let size = try JPEGHeader.dimensions(of: bytes)
            #expect(size.width == 200 && size.height == 200)
        }
    }

    @Test func tooSmallACatalogueIsRefused() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: DemoCatalogError.self) {
            _ = try DemoCatalogGenerator(options: DemoCatalogOptions(models: 3, users: 5)).write(to: folder.url)
        }
    }
}
