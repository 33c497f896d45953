import Recommenders
import Testing

@Suite struct NeighbourGraphTests {
    /// Seeded vectors around cluster centres, as factor vectors are: near neighbours exist but are not trivial.
    func clustered(rows: Int, columns: Int, seed: UInt64) -> FactorMatrix {
        let centres = FactorMatrix(rows: max(1, rows / 25), columns: columns)
        centres.randomiseNormal(seed: seed, stream: 1, deviation: 1)
        let noise = FactorMatrix(rows: rows, columns: columns)
        noise.randomiseNormal(seed: seed, stream: 2, deviation: 0.5)
        let vectors = FactorMatrix(rows: rows, columns: columns)
        for row in 0..<rows {
            let centre = centres.row((row * 7919) % centres.rows)
            for k in 0..<columns { vectors[row, k] = centre[k] + noise[row, k] }
        }
        return vectors
    }

    @Test func findsAlmostAllOfTheExactNeighbours() {
        let vectors = clustered(rows: 6_000, columns: 24, seed: 7)
        let exact = FactorSimilarity(neighbours: 12, threads: 2).similarItems(vectors)
        let (approximate, report) = NeighbourGraph(threads: 2, seed: 3).nearest(vectors, neighbours: 12)
        var found = 0, wanted = 0
        for row in 0..<vectors.rows {
            let truth = Set(exact[row].map(\.item))
            found += approximate[row].filter { truth.contains($0.item) }.count
            wanted += truth.count
            #expect(!approximate[row].contains { Int($0.item) == row }, "row \(row) lists itself")
            #expect(approximate[row].count == 12)
            #expect(zip(approximate[row], approximate[row].dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        let recall = Double(found) / Double(wanted)
        #expect(recall >= 0.95, "recall@12 \(recall)")
        #expect(report.rounds >= 1 && report.rounds <= NeighbourGraph().maxRounds)
    }

    @Test func theSameSeedGivesTheSameGraphWhateverTheThreads() {
        let vectors = clustered(rows: 3_000, columns: 16, seed: 11)
        let one = NeighbourGraph(threads: 1, seed: 5).nearest(vectors, neighbours: 10).lists
        let two = NeighbourGraph(threads: 2, seed: 5).nearest(vectors, neighbours: 10).lists
        let three = NeighbourGraph(threads: 3, seed: 5).nearest(vectors, neighbours: 10).lists
        #expect(one == two)
        #expect(two == three)
    }

    @Test func tinyAndDegenerateInputsAreHandled() {
        #expect(NeighbourGraph().nearest(FactorMatrix(rows: 0, columns: 4), neighbours: 5).lists.isEmpty)
        #expect(NeighbourGraph().nearest(FactorMatrix(rows: 1, columns: 4), neighbours: 5).lists == [[]])
        // Identical and zero vectors: no split separates them, and every row still gets distinct neighbours.
        let flat = FactorMatrix(rows: 200, columns: 8)
        for row in 100..<200 { for k in 0..<8 { flat[row, k] = 1 } }
        let lists = NeighbourGraph(threads: 2).nearest(flat, neighbours: 6).lists
        for (row, list) in lists.enumerated() {
            #expect(list.count == 6)
            #expect(Set(list.map(\.item)).count == 6)
            #expect(!list.contains { Int($0.item) == row })
        }
    }
}

@Suite struct SimilarItemsSearchTests {
    @Test func exactIsTheExactSearchAndApproximateMeasuresItsRecall() {
        let vectors = NeighbourGraphTests().clustered(rows: 4_000, columns: 16, seed: 2)
        let exact = SimilarItemsSearch(method: .exact, neighbours: 12).similarItems(vectors)
        #expect(exact.recall == nil)
        #expect(exact.lists == FactorSimilarity(neighbours: 12).similarItems(vectors))
        let approximate = SimilarItemsSearch(method: .approximate, neighbours: 12, recallSample: 500).similarItems(vectors)
        #expect(approximate.sampled == 500)
        let recall = try! #require(approximate.recall)
        #expect(recall >= 0.95 && recall <= 1)
        #expect(approximate.summary(neighbours: 12).contains("recall@12"))
    }

    @Test func automaticFollowsTheSizeAndIneligibleRowsAreNobodysNeighbour() {
        let vectors = NeighbourGraphTests().clustered(rows: 1_000, columns: 8, seed: 4)
        let eligible = (0..<1_000).map { $0 % 3 != 0 }
        var search = SimilarItemsSearch(method: .automatic, neighbours: 8, approximateFrom: 10_000)
        #expect(search.similarItems(vectors, eligible: eligible).recall == nil)
        search.approximateFrom = 500
        let outcome = search.similarItems(vectors, eligible: eligible)
        #expect(outcome.recall != nil)
        for (row, list) in outcome.lists.enumerated() {
            if eligible[row] {
                #expect(list.count == 8)
                #expect(list.allSatisfy { eligible[Int($0.item)] })
            } else {
                #expect(list.isEmpty)
            }
        }
    }
}
