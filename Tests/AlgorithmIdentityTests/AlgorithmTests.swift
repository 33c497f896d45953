import AlgorithmIdentity
import Testing

@Suite struct AlgorithmTests {
    @Test func wireNamesAreUniqueAndRoundTrip() {
        let names = Algorithm.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for algorithm in Algorithm.allCases { #expect(Algorithm(rawValue: algorithm.rawValue) == algorithm) }
    }

    @Test func theSiteShowsTheOriginalsThreeFirstAndTheBaselinesAfter() {
        #expect(Algorithm.trainable.sorted() == Algorithm.trainable, "trainable is in page order")
        #expect(Algorithm.trainable.filter { !$0.isBaseline } == [.visual, .wrmf, .warpTags])
        #expect(Set(Algorithm.trainable.map(\.shortLabel)).count == Algorithm.trainable.count, "marks tell carousels apart")
        #expect(Algorithm.evaluable.first == .visual && Algorithm.evaluable.filter(\.isScoredByLists) == [.visual, .itemKNN, .ease, .rp3beta, .easeTags, .rp3betaTags])
        // Each tag-aware algorithm names its tag-free version, which a search compares it with.
        #expect(Algorithm.tagAware.map(\.withoutTags) == [.warp, .ease, .rp3beta])
    }

    @Test func aListIsParsedAmongTheAllowedAndNamesTheFirstStranger() throws {
        #expect(try Algorithm.list("wrmf, warp-tags", among: Algorithm.evaluable) == [.wrmf, .warpTags])
        #expect(throws: UnknownAlgorithm.self) { try Algorithm.list("wrmf,nope", among: Algorithm.evaluable) }
        do {
            _ = try Algorithm.list("itemknn,spark-als", among: Algorithm.trainable)
            Issue.record("spark-als is not trainable")
        } catch {
            #expect(error.name == "spark-als")
            #expect(error.description.contains("available: visual, wrmf, warp-tags, itemknn, ease, ease-tags, rp3beta, rp3beta-tags, popularity"))
        }
    }
}
