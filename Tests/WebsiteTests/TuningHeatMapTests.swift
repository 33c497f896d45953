import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
@testable import Website

/// The grids of `recasketch tune`, stored with `saveTuning`, drawn on /evaluation as heat map tables, through the
/// router `serve` uses, on a real SQLite file.
@Suite(.timeLimit(.minutes(1))) struct TuningHeatMapTests {
    /// A 2 × 2 × 2 grid of WRMF: six settings run (one stopped early), two left out by the time budget.
    static let wrmfReport = """
        {"algorithm": "wrmf", "metric": "precision@10",
         "validation": {"users": 61000, "items": 24000, "train_interactions": 480000, "validation_interactions": 60000, "validation_users": 12000},
         "axes": {"rows": {"name": "factors", "values": [8, 64]},
                  "columns": {"name": "regularization", "values": [0.0003, 0.003]},
                  "layers": {"name": "alpha", "values": [2, 50]}},
         "cells": [
           {"settings": {"factors": 8, "regularization": 0.0003, "alpha": 2}, "precision@10": 0.051, "ndcg@10": 0.093, "seconds": 1.2, "completed": true},
           {"settings": {"factors": 8, "regularization": 0.0003, "alpha": 50}, "precision@10": 0.048, "ndcg@10": 0.09, "seconds": 1.3, "completed": true},
           {"settings": {"factors": 8, "regularization": 0.003, "alpha": 2}, "precision@10": 0.031, "ndcg@10": 0.05, "seconds": 0.4, "completed": false},
           {"settings": {"factors": 64, "regularization": 0.0003, "alpha": 2}, "precision@10": 0.055, "ndcg@10": 0.1, "seconds": 3.1, "completed": true},
           {"settings": {"factors": 64, "regularization": 0.003, "alpha": 2}, "precision@10": 0.0581, "ndcg@10": 0.11, "seconds": 3.0, "completed": true},
           {"settings": {"factors": 64, "regularization": 0.003, "alpha": 50}, "precision@10": 0.0605, "ndcg@10": 0.117, "seconds": 3.2, "completed": true}],
         "best": {"settings": {"factors": 64, "regularization": 0.003, "alpha": 50}, "precision@10": 0.0605, "ndcg@10": 0.117},
         "seconds": 412.5, "budget_seconds": 900, "not_run": 2}
        """

    /// EASE has one axis: a single column of figures.
    static let easeReport = """
        {"algorithm": "ease", "metric": "precision@10",
         "validation": {"users": 61000, "items": 24000, "train_interactions": 480000, "validation_interactions": 60000, "validation_users": 12000},
         "axes": {"rows": {"name": "regularization", "values": [100, 500]}},
         "cells": [
           {"settings": {"regularization": 100}, "precision@10": 0.057, "ndcg@10": 0.11, "seconds": 9.5, "completed": true},
           {"settings": {"regularization": 500}, "precision@10": 0.059, "ndcg@10": 0.112, "seconds": 9.4, "completed": true}],
         "best": {"settings": {"regularization": 500}, "precision@10": 0.059, "ndcg@10": 0.112},
         "seconds": 18.9, "budget_seconds": 900, "not_run": 0}
        """

    let folder: TemporaryDirectory
    let store: CatalogStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features, curated: Array(TinyCatalog.models.prefix(4))))
        let snapshot = try store.trainingLikes()
        let run = AlgorithmRun(algorithm: "itemknn", title: "Often liked together", description: "co-likes",
                               displayOrder: 40, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.9))] })
        try store.saveEvaluation(report: Data(TinyCatalog.evaluationReport.utf8))
    }

    func evaluationPage() async throws -> String {
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: store, renderer: try await PageRenderer())
        return try await Application(router: site.router).test(.router) { client in
            try await client.execute(uri: "/evaluation", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
        }
    }

    @Test func withoutATuningRunThePageHasNoHeatMap() async throws {
        let page = try await evaluationPage()
        #expect(page.contains("aria-labelledby=\"bars-title\""), "the evaluation itself is drawn")
        #expect(!page.contains("Settings searched on a validation split"))
        #expect(!page.contains("class=\"heatmap\""))
    }

    @Test func theGridIsAHeatMapOfTheBestOverTheLayers() async throws {
        try store.saveTuning(report: Data(Self.wrmfReport.utf8), recordedAt: Date(timeIntervalSince1970: 1_700_000_200))
        let page = try await evaluationPage()
        #expect(page.contains("<h2 id=\"tuning-title\">Settings searched on a validation split</h2>"))
        #expect(page.contains("<h3>wrmf</h3>"))
        #expect(page.contains("<table class=\"heatmap\">"))
        #expect(page.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Validation precision@10 of wrmf per setting\">"))
        #expect(page.contains("<th scope=\"colgroup\" colspan=\"2\">regularization</th>"))
        #expect(page.contains("<th scope=\"col\">factors</th><th scope=\"col\">0.0003</th><th scope=\"col\">0.003</th>"),
                "settings written out, never as 3e-04")
        // factors 8: the best over alpha (0.051 at α 2, not 0.048 at α 50), and the run stopped early with its dagger.
        #expect(page.contains("<tr><th scope=\"row\">8</th><td class=\"heat-5\">0.0510 <small>α 2</small></td>"
                              + "<td class=\"heat-0\">0.0310<sup aria-hidden=\"true\">†</sup><span class=\"visually-hidden\"> stopped early</span> <small>α 2</small></td></tr>"))
        // The best cell: bold, outlined (class best), darkest.
        #expect(page.contains("<td class=\"heat-7 best\"><strong>0.0605</strong> <small>α 50</small><span class=\"visually-hidden\"> (the best)</span></td>"))
        #expect(page.contains("6 of 8 settings of factors × regularization × alpha were tried in 412.5 s of a 900 s budget: "
                              + "1 was stopped early and 2 were not run within the time budget."))
        #expect(page.contains("The best, factors 64, regularization 0.003, alpha 50, reached a validation precision@10 of 0.0605 (NDCG@10 0.1170)."))
        #expect(page.contains("scored on a validation split of 60,000 likes of 12,000 users, carved from the training data; the test split was never used."))
        #expect(page.contains("† Stopped early"), "the dagger's footnote")
        // After the evaluation's charts, before the learning curves.
        let heatMap = try #require(page.range(of: "Settings searched on a validation split"))
        let bars = try #require(page.range(of: "aria-labelledby=\"bars-title\""))
        let curves = try #require(page.range(of: "<h2>Learning curves</h2>"))
        #expect(bars.lowerBound < heatMap.lowerBound && heatMap.lowerBound < curves.lowerBound)
    }

    @Test func eachAlgorithmShowsItsNewestRunInNameOrder() async throws {
        let older = Self.wrmfReport.replacingOccurrences(of: "\"seconds\": 412.5", with: "\"seconds\": 100")
        try store.saveTuning(report: Data(older.utf8))
        try store.saveTuning(report: Data(Self.wrmfReport.utf8))
        try store.saveTuning(report: Data(Self.easeReport.utf8))
        let page = try await evaluationPage()
        let ease = try #require(page.range(of: "<h3>ease</h3>"))
        let wrmf = try #require(page.range(of: "<h3>wrmf</h3>"))
        #expect(ease.lowerBound < wrmf.lowerBound)
        #expect(page.components(separatedBy: "<h3>wrmf</h3>").count == 2, "one heat map per algorithm")
        #expect(page.contains("in 412.5 s of a 900 s budget"))
        #expect(!page.contains("in 100 s of a 900 s budget"))
        // One axis: a single column of figures, no layer.
        #expect(page.contains("All 2 settings of regularization were tried in 18.9 s of a 900 s budget; every one ran to the end."))
        #expect(page.contains("<th scope=\"col\">regularization</th><th scope=\"col\">validation precision@10</th>"))
        #expect(page.contains("<tr><th scope=\"row\">100</th><td class=\"heat-0\">0.0570</td></tr>"))
        #expect(page.contains("<tr><th scope=\"row\">500</th><td class=\"heat-7 best\"><strong>0.0590</strong><span class=\"visually-hidden\"> (the best)</span></td></tr>"))
    }

    @Test func numbersAreWrittenCompactly() {
        #expect(EvaluationView.compact(0.0003) == "0.0003")
        #expect(EvaluationView.compact(0.001) == "0.001")
        #expect(EvaluationView.compact(64) == "64")
        #expect(EvaluationView.compact(412.5) == "412.5")
        #expect(EvaluationView.compact(0.1) == "0.1")
        #expect(EvaluationView.compact(1.5e-7) == "0.00000015")
    }
}
