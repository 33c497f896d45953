import AlgorithmIdentity
import Evaluation
import Foundation
import Recommenders
import TestSupport
import Testing

@Suite struct GridSearchTests {
    static let small = SettingsGrid(rows: GridAxis("factors", [4, 8]), columns: GridAxis("regularization", [0.001, 0.01]),
                                    layers: GridAxis("alpha", [5]))

    static var settings: HarnessSettings {
        var settings = HarnessSettings()
        settings.iterations = 6
        return settings
    }

    @Test func theStandardWRMFGridIsTheBlogs180Settings() throws {
        let grid = try #require(SettingsGrid.standard(for: .wrmf))
        #expect(grid.count == 180 && grid.points().count == 180)
        #expect(grid.rows.values.count == 6 && grid.columns?.values.count == 6 && grid.layers?.values.count == 5)
        #expect(SettingsGrid.standard(for: .warpTags) == nil, "warp-tags keeps its random search")
        // Within one factor count and α, λ runs from the smallest up, the order the warm starts follow.
        let first = grid.points().prefix(6).map { $0["regularization"]! }
        #expect(first == first.sorted() && Set(first).count == 6)
    }

    @Test(.timeLimit(.minutes(1)))
    func everySettingIsScoredOnTheValidationSplitAndTheBestIsTheTopCompletedOne() throws {
        let search = GridSearch(algorithm: .wrmf, grid: Self.small, settings: Self.settings)
        let outcome = try search.run(train: HoldoutSplitTests.interactions)
        #expect(outcome.cells.count == 4 && outcome.notRun == 0)
        let completed = outcome.cells.filter(\.completed)
        #expect(outcome.best.precision == completed.map(\.precision).max())
        #expect(outcome.validation["validation_users"]! > 0)
        let json = try #require(try JSONSerialization.jsonObject(with: outcome.json()) as? [String: Any])
        #expect(json["algorithm"] as? String == "wrmf")
        #expect((json["cells"] as? [[String: Any]])?.count == 4)
        #expect(((json["axes"] as? [String: Any])?["layers"] as? [String: Any])?["name"] as? String == "alpha")
    }

    @Test func theSameSettingsFromScratchOrWarmStartedScoreEveryPoint() throws {
        let cold = try GridSearch(algorithm: .wrmf, grid: Self.small, settings: Self.settings, shortcuts: false)
            .run(train: HoldoutSplitTests.interactions)
        #expect(cold.cells.allSatisfy { $0.completed })
        // The first setting of each factor count has no neighbour to start from: it is the same fit either way.
        let warm = try GridSearch(algorithm: .wrmf, grid: Self.small, settings: Self.settings)
            .run(train: HoldoutSplitTests.interactions)
        #expect(warm.cells[0].precision == cold.cells[0].precision)
    }

    @Test func aBudgetTooShortForOneSettingIsAnErrorNamingTheFlag() {
        do {
            _ = try GridSearch(algorithm: .rp3beta, grid: SettingsGrid.standard(for: .rp3beta)!, settings: Self.settings,
                               budget: .nanoseconds(1)).run(train: HoldoutSplitTests.interactions)
            Issue.record("a grid ran without time")
        } catch {
            #expect("\(error)".contains("--time-budget"))
        }
    }

    @Test func theWinnersFileRoundTripsAndABadValueNamesTheFile() throws {
        let folder = try TemporaryDirectory()
        let file = folder.file("best.json")
        try GridSettings(algorithm: .wrmf, settings: ["factors": 32, "regularization": 0.003, "alpha": 15], validationPrecision: 0.06)
            .write(to: file)
        let read = try #require(try GridSettings.read(file))
        let wrmf = read.applied(to: WRMF())
        #expect(wrmf.factors == 32 && wrmf.regularization == 0.003 && wrmf.alpha == 15)
        #expect(wrmf.regularizationExponent == 1, "the grid's λ is iALS revisited's, whatever WRMF's default form")
        #expect(GridSearch(algorithm: .wrmf, grid: Self.small, settings: HarnessSettings()).settings.regularizationExponent == 1)
        let bad = try folder.write("bad.json", #"{"algorithm": "wrmf", "settings": {"factors": -3}, "validationPrecision": 0}"#)
        #expect(throws: HarnessError.self) { try GridSettings.read(bad) }
        let other = try folder.write("ltr.json", #"{"algorithm": "warp-tags", "factors": 8}"#)
        #expect(try GridSettings.read(other) == nil, "another kind of settings file is left to its own reader")
    }
}

@Suite struct VisualScoringTests {
    /// Two users liked item a in training and held out b; the visual lists say a's neighbour is b, so visual puts
    /// b first for both. Without stored lists visual is refused with the way to get them.
    @Test func theServedListsAreScoredByTheListRule() throws {
        let train: HoldoutSplit.Triples = [("u1", "a", 1), ("u2", "a", 1), ("u3", "b", 1), ("u3", "c", 1)]
        let test: HoldoutSplit.Triples = [("u1", "b", 1), ("u2", "b", 1)]
        let indexed = EvaluationHarness.index(train: train, test: test)
        var settings = HarnessSettings()
        settings.visualLists = ["a": [(item: "b", score: 0.9), (item: "c", score: 0.1)]]
        let report = try EvaluationHarness(settings: settings).run([.visual], train: indexed.train.matrix, test: indexed.test.matrix,
                                                                    itemIDs: indexed.train.itemIDs)[0]
        #expect(report.metrics["precision@5"] == 0.2 && report.metrics["ndcg@10"] == 1)
        do {
            _ = try EvaluationHarness(settings: HarnessSettings()).run([.visual], train: indexed.train.matrix, test: indexed.test.matrix)
            Issue.record("visual without lists was scored")
        } catch {
            #expect("\(error)".contains("--db"))
        }
    }
}

@Suite struct GridSearchInputTests {
    @Test func tooFewLikesForAValidationSplitIsAnErrorNotAWinner() {
        let tiny: HoldoutSplit.Triples = [("u1", "a", 1), ("u1", "b", 1), ("u2", "a", 1)]
        #expect(throws: HarnessError.self) {
            try GridSearch(algorithm: .itemKNN, grid: SettingsGrid.standard(for: .itemKNN)!, settings: HarnessSettings()).run(train: tiny)
        }
    }
}
