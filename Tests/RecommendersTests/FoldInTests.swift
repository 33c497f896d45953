import Recommenders
import Testing

@Suite struct FoldInRecommenderTests {
    /// The server's fold-in, built from stored factors, ranks exactly as the model's own fold-in does.
    @Test func servedFoldInRanksAsTheModelDoes() {
        let matrix = WRMFTests.planted()
        let configuration = WRMF(factors: 3, regularization: 1, alpha: 20, iterations: 10)
        let model = configuration.fit(matrix)
        let liked = [0, 3, 6, 9]
        let factors = model.foldIn(likedItems: liked, configuration: configuration)
        let n = model.itemFactors.stride
        var padded = factors + [Float](repeating: 0, count: n - factors.count)
        let scores = (0..<matrix.itemCount).map { item in
            padded.withUnsafeMutableBufferPointer { VectorKernels.dot(model.itemFactors.row(item), $0.baseAddress!, n) }
        }
        let expected = scores.indices.filter { !liked.contains($0) }.sorted { scores[$0] > scores[$1] }.prefix(6)
        var vectors: [Float] = []
        for item in 0..<matrix.itemCount { vectors += model.itemFactors.rowArray(item) }
        let served = FoldInRecommender(vectors: vectors, factors: 3, known: [Bool](repeating: true, count: matrix.itemCount),
                                       regularization: 1, alpha: 20)
        let answer = served.recommend(liked: liked + [0], count: 6)
        #expect(answer.map { Int($0.item) } == Array(expected))
        for entry in answer { #expect(abs(entry.score - scores[Int(entry.item)]) < 1e-3 * max(1, abs(scores[Int(entry.item)]))) }
        #expect(served.recommend(liked: [], count: 6).isEmpty)
        let unknownOnly = FoldInRecommender(vectors: vectors, factors: 3, known: [Bool](repeating: false, count: matrix.itemCount),
                                            regularization: 1, alpha: 20)
        #expect(unknownOnly.recommend(liked: liked, count: 6).isEmpty, "nothing to fold in")
    }
}

@Suite struct LikeOverlapTests {
    /// Users 0–2 like items 0 and 1; users 0 and 1 also like 2, user 0 also 3; user 3 likes 1 and 4.
    @Test func countsCoLikersAndTheModelsTheyShare() {
        let pairs: [(user: Int32, item: Int32)] = [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (3, 1), (3, 4)]
        let matrix = InteractionMatrix(userCount: 4, itemCount: 5, pairs: pairs)
        var lists = [[Neighbour]](repeating: [], count: 5)
        lists[0] = [Neighbour(item: 1, score: 0.9), Neighbour(item: 4, score: 0.1)]
        let reasons = LikeOverlaps.reasons(matrix, lists: lists, threads: 2)
        #expect(reasons[0] == [LikeOverlapReason(coLikers: 3, connecting: [2, 3]), LikeOverlapReason(coLikers: 0, connecting: [])])
        #expect(reasons[1].isEmpty)
    }
}
