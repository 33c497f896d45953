import AlgorithmIdentity
import CatalogStore
import Foundation
import Recommenders

/// Everything `recasketch evaluate` does once its flags are read: split, index, fit and score each algorithm, then
/// write the table, the JSON results and the learning curves.
public struct EvaluationRun: Sendable {
    public var source: SplitSource
    public var holdout: HoldoutSplit
    public var algorithms: [Algorithm]
    public var settings: HarnessSettings
    public var featuresFile: URL?
    public var writeSplit: URL?
    public var writeFeatures: URL?
    public var jsonOutput: URL?
    /// Each test user's precision@10 and NDCG@10 per algorithm (`algorithm,user,precision@10,ndcg@10` CSV), so another
    /// tool's figures on the same split can be compared user by user (scripts/bench/quality.sh does).
    public var perUserOutput: URL?
    public var curvesOutput: URL?
    /// Also time top-N similar items for every item from the WRMF factors (0 skips it).
    public var similarItems: Int
    /// Side features given directly (a catalogue's tags), when there is no features file.
    public var sideFeatureRows: [(item: String, feature: String, weight: Float)]?
    /// Store the run (split, settings, metrics, learning curves) in this catalogue for its evaluation page.
    public var record: CatalogStore?
    /// Recommenders built elsewhere (imported lists, `--user-lists`), scored after the built-ins on every split.
    public var outside: [OutsideRecommender] = []
    /// Bootstrap resamples over the test users, for the 95% intervals of the per-user metrics and the paired ratios
    /// between algorithms (0: none). The bootstrap's seed is the run's seed.
    public var bootstrapResamples: Int = 1000
    /// Repeat the whole split, fit and scoring once per seed (the split's seed and the models' seed both set to it)
    /// and report each metric's mean and spread over the seeds; the first seed's run is the one written and stored.
    /// Empty: one run, with `holdout.seed` and `settings.seed`.
    public var splitSeeds: [UInt64] = []
    /// Settings chosen per split on a validation split of its training likes, within this budget.
    public var tuneBudget: TuneBudget = .off
    /// Algorithms whose settings were given by hand and are not searched.
    public var pinned: Set<Algorithm> = []

    public init(source: SplitSource, holdout: HoldoutSplit, algorithms: [Algorithm], settings: HarnessSettings,
                featuresFile: URL? = nil, writeSplit: URL? = nil, writeFeatures: URL? = nil, jsonOutput: URL? = nil,
                curvesOutput: URL? = nil, similarItems: Int = 20) {
        self.source = source
        self.holdout = holdout
        self.algorithms = algorithms
        self.settings = settings
        self.featuresFile = featuresFile
        self.writeSplit = writeSplit
        self.writeFeatures = writeFeatures
        self.jsonOutput = jsonOutput
        self.curvesOutput = curvesOutput
        self.similarItems = similarItems
    }

    /// One split's evaluation: its reports, sizes and bootstrap.
    struct SplitRun {
        var holdout: HoldoutSplit
        var settings: HarnessSettings
        var reports: [AlgorithmReport]
        var searches: [SettingsSearchOutcome]
        var splitSizes: [String: Int]
        var uncertainty: BootstrapResults?
    }

    @discardableResult
    public func run(progress: (String) -> Void) throws -> [AlgorithmReport] {
        var settings = self.settings
        settings.learningCurves = curvesOutput != nil || record != nil
        let featureRows = try featuresFile.map(ItemFeatureSource.load) ?? sideFeatureRows
        var runs: [SplitRun] = []
        if splitSeeds.isEmpty {
            runs.append(try evaluateSplit(holdout: holdout, settings: settings, featureRows: featureRows, first: true, progress: progress))
        } else {
            for (index, seed) in splitSeeds.enumerated() {
                var seededHoldout = holdout
                seededHoldout.seed = seed
                var seededSettings = settings
                seededSettings.seed = seed
                // Only the first seed's run is written and stored, so only it needs the learning curves.
                seededSettings.learningCurves = index == 0 && settings.learningCurves
                if index > 0 { progress("") }
                progress("split seed \(seed) (\(index + 1) of \(splitSeeds.count))")
                runs.append(try evaluateSplit(holdout: seededHoldout, settings: seededSettings, featureRows: featureRows,
                                              first: index == 0, progress: progress))
            }
        }
        let main = runs[0]
        var summary: SplitSeedSummary?
        if !splitSeeds.isEmpty {
            let seedSummary = SplitSeedSummary(seeds: splitSeeds, runs: runs.map { (reports: $0.reports, uncertainty: $0.uncertainty) })
            progress("")
            progress("over \(splitSeeds.count) split seeds (\(splitSeeds.map { String($0) }.joined(separator: ", "))): mean ± standard deviation")
            progress(EvaluationReports.splitSeedsTable(seedSummary))
            if seedSummary.algorithms.count > 1 {
                progress("")
                progress("mean ratio over the split seeds"
                         + (main.uncertainty == nil ? "" : ", and in how many the bootstrap put the first ahead or behind") + ":")
                progress(EvaluationReports.splitSeedsComparisonsTable(seedSummary))
            }
            summary = seedSummary
        }
        if let jsonOutput {
            let data = try EvaluationReports.json(main.reports, split: main.splitSizes, uncertainty: main.uncertainty,
                                                  splitSeeds: summary, searches: main.searches)
            try data.write(to: jsonOutput, options: .atomic)
            progress("results written to \(jsonOutput.path)")
        }
        if let record {
            var stored = main.settings.summary(holdout: main.holdout)
            stored["bootstrap_resamples"] = String(bootstrapResamples)
            if !splitSeeds.isEmpty { stored["split_seeds"] = splitSeeds.map { String($0) }.joined(separator: ",") }
            try record.saveEvaluation(report: EvaluationReports.json(main.reports, split: main.splitSizes, settings: stored,
                                                                    uncertainty: main.uncertainty, splitSeeds: summary,
                                                                    searches: main.searches))
            progress("run stored in \(record.path) for the evaluation page")
        }
        if let curvesOutput {
            try Data(EvaluationReports.learningCurvesSVG(main.reports).utf8).write(to: curvesOutput, options: .atomic)
            progress("learning curves written to \(curvesOutput.path)")
        }
        progress("peak memory: \(PeakMemory.megabytes()) MB")
        return main.reports
    }

    /// Split, index, fit and score every algorithm once, print the tables, and resample the test users. `first`: the
    /// run whose split and features are written and whose WRMF factors are timed for similar items.
    func evaluateSplit(holdout: HoldoutSplit, settings: HarnessSettings,
                       featureRows: [(item: String, feature: String, weight: Float)]?, first: Bool,
                       progress: (String) -> Void) throws -> SplitRun {
        let clock = ContinuousClock()
        let start = clock.now
        let split = try source.load(holdout: holdout)
        if first, let writeSplit {
            try InteractionsCSV.write(split.train, to: writeSplit.appendingPathComponent("train.csv"))
            try InteractionsCSV.write(split.test, to: writeSplit.appendingPathComponent("test.csv"))
            progress("split written to \(writeSplit.path)/train.csv and test.csv")
        }
        let splitSeconds = (clock.now - start).inSeconds
        let indexed = EvaluationHarness.index(train: split.train, test: split.test)
        let testUsers = (0..<indexed.test.matrix.userCount).filter { indexed.test.matrix.userDegree($0) > 0 }.count
        progress("split: \(indexed.train.userIDs.count) users × \(indexed.train.itemIDs.count) items, \(indexed.train.matrix.interactionCount) train and \(indexed.test.matrix.interactionCount) test interactions, \(testUsers) test users (read and split in \(String(format: "%.2f", splitSeconds)) s, indexed in \(String(format: "%.2f", (clock.now - start).inSeconds - splitSeconds)) s)")

        var sideFeatures: [(item: Int, feature: String, weight: Float)] = []
        if let rows = featureRows {
            let itemIndex = Dictionary(uniqueKeysWithValues: indexed.train.itemIDs.enumerated().map { ($1, $0) })
            sideFeatures = rows.compactMap { row in itemIndex[row.item].map { ($0, row.feature, row.weight) } }
            progress("features: \(sideFeatures.count) assignments of \(Set(sideFeatures.map(\.feature)).count) features to \(Set(sideFeatures.map(\.item)).count) items")
            if first, let writeFeatures {
                try ItemFeaturesCSV.write(rows.filter { itemIndex[$0.item] != nil }, to: writeFeatures)
            }
        }
        var settings = settings
        var searches: [SettingsSearchOutcome] = []
        if tuneBudget != .off {
            var selection = SettingsSelection(budget: tuneBudget, base: settings)
            selection.pinned = pinned
            (settings, searches) = try selection.choose(algorithms, train: indexed.train.matrix, sideFeatures: sideFeatures,
                                                        progress: progress)
        }
        var reports = try EvaluationHarness(settings: settings).run(algorithms, train: indexed.train.matrix,
                                                                    test: indexed.test.matrix, sideFeatures: sideFeatures,
                                                                    itemIDs: indexed.train.itemIDs, userIDs: indexed.train.userIDs, outside: outside,
                                                                    progress: progress)
        for index in reports.indices {
            let note = searchNote(for: reports[index].algorithm, searches: searches)
            for (key, value) in note { reports[index].parameters[key] = value }
        }
        progress("")
        progress(EvaluationReports.table(reports))
        if reports.contains(where: { $0.listMetrics != nil }) {
            progress("")
            progress("the same item-to-item algorithms scored by their lists, as the carousels use them (each model's best \(settings.neighbours) positive weights):")
            progress(EvaluationReports.listRuleTable(reports))
        }
        for report in reports {
            switch report.algorithm {
            case .wrmf, .sparkALS:
                progress(String(format: "%@ fit per iteration: %.3f s (%@)", report.name, report.fitSeconds / Double(max(1, settings.iterations)),
                                report.algorithm == .sparkALS ? "Spark's start-up included" : "Swift"))
            case .warp, .warpTags, .bpr, .bprTags:
                progress(String(format: "%@ fit per epoch: %.3f s", report.name, report.fitSeconds / Double(max(1, settings.epochs))))
            default:
                break
            }
        }
        if first, similarItems > 0, let factors = reports.first(where: { $0.algorithm == .wrmf })?.itemFactors {
            let start = clock.now
            let lists = FactorSimilarity(neighbours: similarItems, threads: settings.threads).similarItems(factors)
            progress(String(format: "wrmf top-%d similar items for all %d items: %.2f s", similarItems, lists.count,
                            (clock.now - start).inSeconds))
        }
        if first, let perUserOutput {
            let users = (0..<indexed.test.matrix.userCount).filter { indexed.test.matrix.userDegree($0) > 0 }
            var csv = "algorithm,user,precision@10,ndcg@10\n"
            for report in reports {
                guard let precision = report.metrics.perUser["precision@10"], let ndcg = report.metrics.perUser["ndcg@10"],
                      precision.count == users.count else { continue }
                for (position, user) in users.enumerated() {
                    csv += "\(report.name),\(indexed.train.userIDs[user]),\(precision[position]),\(ndcg[position])\n"
                }
                if let lists = report.listMetrics, let precision = lists.perUser["precision@10"], let ndcg = lists.perUser["ndcg@10"],
                   precision.count == users.count {
                    for (position, user) in users.enumerated() {
                        csv += "\(report.name)-lists,\(indexed.train.userIDs[user]),\(precision[position]),\(ndcg[position])\n"
                    }
                }
            }
            try Data(csv.utf8).write(to: perUserOutput, options: .atomic)
            progress("per-user figures written to \(perUserOutput.path)")
        }
        var uncertainty: BootstrapResults?
        if bootstrapResamples > 0, testUsers > 0 {
            let bootstrap = Bootstrap(resamples: bootstrapResamples, seed: settings.seed, threads: settings.threads)
            let results = BootstrapResults(reports, bootstrap: bootstrap)
            if !results.algorithms.isEmpty {
                progress("")
                progress("95% intervals of the mean over the test users (bootstrap):")
                progress(EvaluationReports.intervalsTable(results))
                if results.algorithms.count > 1 {
                    progress("")
                    progress("paired ratios a / b, each interval from the same resampled users for both:")
                    progress(EvaluationReports.comparisonsTable(results))
                }
                progress(String(format: "bootstrap: %d resamples over %d test users, %.2f s", bootstrapResamples,
                                results.testUsers, results.seconds))
                uncertainty = results
            }
        }
        let splitSizes = ["users": indexed.train.userIDs.count, "items": indexed.train.itemIDs.count,
                          "train_interactions": indexed.train.matrix.interactionCount,
                          "test_interactions": indexed.test.matrix.interactionCount, "test_users": testUsers]
        return SplitRun(holdout: holdout, settings: settings, reports: reports, searches: searches, splitSizes: splitSizes,
                        uncertainty: uncertainty)
    }
}

extension EvaluationRun {
    /// How a built-in's settings were chosen, for its report's parameters (nothing for a recommender built elsewhere).
    func searchNote(for algorithm: Algorithm?, searches: [SettingsSearchOutcome]) -> [String: String] {
        guard let algorithm else { return [:] }
        if let search = searches.first(where: { $0.algorithm == algorithm }) {
            return ["settings_search": search.summary, "tuning_seconds": String(format: "%.1f", search.seconds)]
        }
        guard SettingsSelection.searched.contains(algorithm) else { return [:] }
        return ["settings_search": tuneBudget == .off ? "fixed defaults (--tune-budget 0)"
                    : pinned.contains(algorithm) ? "as given by flag" : "not searched"]
    }
}

public enum PeakMemory {
    /// The process's peak resident set (VmHWM), in MB; 0 where /proc is not available.
    public static func megabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
