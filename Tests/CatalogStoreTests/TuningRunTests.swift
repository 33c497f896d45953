import CatalogStore
import Foundation
import TestSupport
import Testing

/// The stored runs of `tune`: what `saveTuning` accepts, and what a publication holds of them.
@Suite struct TuningRunTests {
    static func report(_ algorithm: String, seconds: Double) -> Data {
        Data("""
            {"algorithm": "\(algorithm)", "metric": "precision@10",
             "axes": {"rows": {"name": "regularization", "values": [100]}},
             "cells": [{"settings": {"regularization": 100}, "precision@10": 0.05, "completed": true}],
             "seconds": \(seconds), "budget_seconds": 900, "not_run": 0}
            """.utf8)
    }

    @Test func aReportThatIsNotAJSONObjectNamingItsAlgorithmIsRejected() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let generation = try store.publishedGeneration()
        #expect(throws: CatalogStoreError.self) { try store.saveTuning(report: Data("factors 64, alpha 50".utf8)) }
        #expect(throws: CatalogStoreError.self) { try store.saveTuning(report: Data("[1, 2, 3]".utf8)) }
        #expect(throws: CatalogStoreError.self) { try store.saveTuning(report: Data("{\"metric\": \"precision@10\"}".utf8)) }
        #expect(throws: CatalogStoreError.self) { try store.saveTuning(report: Data("{\"algorithm\": 3}".utf8)) }
        #expect(try store.publishedCatalog().tunings.isEmpty)
        #expect(try store.publishedGeneration() == generation, "nothing stored, nothing published")
    }

    @Test func thePublicationHoldsTheNewestRunPerAlgorithmInNameOrder() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let generation = try store.publishedGeneration()
        try store.saveTuning(report: Self.report("wrmf", seconds: 100), recordedAt: Date(timeIntervalSince1970: 1_700_000_000))
        try store.saveTuning(report: Self.report("rp3beta", seconds: 50), recordedAt: Date(timeIntervalSince1970: 1_700_000_100))
        try store.saveTuning(report: Self.report("wrmf", seconds: 412.5), recordedAt: Date(timeIntervalSince1970: 1_700_000_200))
        #expect(try store.publishedGeneration() == generation + 3, "each run is published, so a running server shows it")
        let tunings = try store.publishedCatalog().tunings
        #expect(tunings.map(\.algorithm) == ["rp3beta", "wrmf"])
        try #require(tunings.count == 2)
        #expect(tunings[1].recordedAt == "2023-11-14T22:16:40Z")
        #expect(tunings[1].report.contains("\"seconds\": 412.5"))
        #expect(tunings[0].report.contains("\"algorithm\": \"rp3beta\""))
    }
}
