import AlgorithmIdentity
import Testing

@Suite struct RecommenderTests {
    @Test func anImportedNameIsASlugThatMeansNothingElse() {
        for name in ["implicit-als", "two-tower2", "x", String(repeating: "a", count: 40)] {
            #expect(ImportedName(rawValue: name) != nil, "\(name)")
        }
        for name in ["wrmf", "warp-tags", "picked", "", "Implicit", "two--tower", "-als", "als-", "my_model", "a b",
                     String(repeating: "a", count: 41), "été"] {
            #expect(ImportedName(rawValue: name) == nil, "\(name)")
            #expect(ImportedName.problem(with: name) != nil)
        }
        #expect(ImportedName.problem(with: "wrmf")!.contains("built-in"))
    }

    @Test func aNameIsABuiltInOrAnImportedOneAndSortsAfterTheLeadingThree() throws {
        #expect(Recommender(name: "wrmf") == .known(.wrmf))
        let imported = try #require(Recommender(name: "implicit-als"))
        #expect(imported.isImported && imported.name == "implicit-als" && imported.shortLabel == "implicit-als")
        #expect(Recommender(name: "Not A Name") == nil)
        let order = [Recommender.known(.popularity), .known(.itemKNN), imported, .known(.warpTags), .known(.visual), .known(.wrmf)].sorted()
        #expect(order.map(\.name) == ["visual", "wrmf", "warp-tags", "implicit-als", "itemknn", "popularity"])
        #expect(imported.displayOrder < Algorithm.firstBaselineOrder, "mixed into the picked carousel with the leading ones")
    }
}
