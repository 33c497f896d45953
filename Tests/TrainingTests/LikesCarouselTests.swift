import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Foundation
import Recommenders
import SeededRandom
import TestSupport
import Testing
import Training

/// Three taste groups of 20 models and 300 users, each liking 12 models, nine in ten from their own group: enough
/// likes for a validation split.
enum GroupedCatalog {
    static let ids = (1...60).map { ModelID(String(format: "%032x", $0 * 0x10001))! }
    static var models: [ModelRecord] { ids.enumerated().map { ModelRecord(name: "Model \($0.offset)", mid: $0.element) } }
    static var likes: [LikeRecord] {
        var random = SeededGenerator(seed: 3)
        var likes: [LikeRecord] = []
        for user in 0..<300 {
            var liked = Set<Int>()
            while liked.count < 12 {
                liked.insert(random.chance(0.9) ? (user % 3) * 20 + random.below(20) : random.below(60))
            }
            for index in liked.sorted() { likes.append(LikeRecord(modelName: "Model \(index)", mid: ids[index], user: "u\(user)")) }
        }
        return likes
    }
}

@Suite struct LikesCarouselTests {
    @Test(.timeLimit(.minutes(1)))
    func autoPutsTheValidationWinnerInWRMFsPlaceAndSaysSo() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: GroupedCatalog.models, likes: GroupedCatalog.likes))
        var options = TrainingOptions(algorithms: [.wrmf, .itemKNN, .ease, .rp3beta, .popularity], neighbours: 5, threads: 2,
                                      wrmf: WRMF(factors: 8, iterations: 5))
        options.likesCarousel = .chosenOnValidation
        var lines: [String] = []
        _ = try Trainer.run(options, store: store) { lines.append($0) }
        let choice = try #require(lines.first { $0.hasPrefix("likes carousel: ") })
        let winner = String(choice.dropFirst("likes carousel: ".count).prefix { $0 != "." })
        let page = try #require(try await store.modelPage(mid: GroupedCatalog.ids[0].rawValue))
        let lists = page.1
        let leading = try #require(lists.first { $0.title == Algorithm.wrmf.title })
        #expect(leading.algorithm == winner)
        #expect(lists.filter { $0.title == Algorithm.wrmf.title }.count == 1, "one carousel holds the title")
        if winner != "wrmf" {
            #expect(lists.contains { $0.algorithm == "wrmf" && $0.title == "Likes (WRMF)" })
        }
        let published = try store.publishedCatalog()
        let info = try #require(published.algorithms.first { $0.algorithm == winner })
        #expect(info.displayOrder == Algorithm.wrmf.displayOrder)
        #expect(info.description.contains("Chosen for this carousel on a validation split"))
        #expect(info.parameters.contains("chosen_by"), "the heading's label says it was chosen")
        #expect(info.parameters.contains("the best of 4 on a validation split of the likes, ") && info.parameters.contains("×"),
                "and by how much")
        for candidate in ["wrmf", "ease", "rp3beta", "itemknn"] { #expect(info.description.contains(candidate)) }
    }

    @Test func aNamedLikesAlgorithmLeadsWithoutAValidationRun() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        var options = TrainingOptions(algorithms: [.wrmf, .ease], neighbours: 2, threads: 1, wrmf: WRMF(factors: 2, iterations: 3))
        options.likesCarousel = .algorithm(.ease)
        _ = try Trainer.run(options, store: store)
        let page = try #require(try await store.modelPage(mid: TinyCatalog.ids[0].rawValue))
        #expect(page.1.map(\.algorithm) == ["ease", "wrmf"])
        #expect(page.1.map(\.title) == [Algorithm.wrmf.title, "Likes (WRMF)"])
    }
}
