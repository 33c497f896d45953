import ArgumentParser
import CatalogFiles
import Evaluation
import Foundation
import Recommenders

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate recommenders offline on a held-out split, side by side.",
        discussion: """
            Input is `user,item[,weight]` CSV with a header. With --interactions the data is thresholded
            (--min-user/--min-item likes, repeated until stable) and split: for --fraction of all users, drawn among
            those with at least twice --holdout likes, --holdout likes move to the test set (seeded). --write-split
            saves train.csv and test.csv so other tools can score exactly the same split; --train/--test read one.
            Metrics are over test users with their training items excluded from the ranking.
            """)

    @OptionGroup var input: SplitInputOptions
    @Option(help: "Write the split's train.csv and test.csv into this folder.") var writeSplit: String?
    @Option(help: "Comma-separated: \(EvaluationHarness.algorithms.joined(separator: ","))") var algorithms = "popularity,itemknn,wrmf"
    @Option(help: "Latent factors.") var factors = 64
    @Option(help: "ALS iterations.") var iterations = 15
    @Option(help: "L2 regularisation.") var regularization: Float = 0.1
    @Option(help: "Confidence weight: c = 1 + alpha * r.") var alpha: Float = 50
    @Option(help: "Conjugate-gradient steps per row.") var cgSteps = 3
    @Option(help: "Scaling of r before alpha: linear, log or bm25.") var scaling = "linear"
    @Option(help: "Item-kNN neighbours used for scoring.") var neighbours = 100
    @Option(help: "Write the item features as item,feature,weight CSV (for other tools).") var writeFeatures: String?
    @Option(help: "WARP/BPR epochs.") var epochs = 30
    @Option(help: "WARP/BPR learning rate.") var learningRate: Float = 0.05
    @Option(help: "WARP/BPR learning schedule: adagrad or adadelta.") var schedule = "adagrad"
    @Option(help: "WARP/BPR L2 penalty on user embeddings.") var userAlpha: Float = 1e-6
    @Option(help: "WARP/BPR L2 penalty on item feature embeddings.") var itemAlpha: Float = 1e-6
    @Option(help: "WARP negatives sampled per positive.") var maxSampled = 10
    @Option(help: "Items with fewer training likes count as cold-ish in the cold metrics.") var coldThreshold = 10
    @Option(help: "Worker threads.") var threads = 2
    @Option(help: "Write the results as JSON.") var json: String?
    @Option(help: "Write precision@10 per iteration (train and test) as an SVG chart.") var curves: String?
    @Option(help: "Also time top-N similar items for every item from the WRMF factors (0: skip).") var similarItems = 20

    func validate() throws {
        try input.validate(needsTest: true)
        guard ConfidenceScaling(rawValue: scaling) != nil else {
            throw ValidationError("--scaling must be linear, log or bm25")
        }
        guard HybridTraining.Schedule(rawValue: schedule) != nil else {
            throw ValidationError("--schedule must be adagrad or adadelta")
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let split = try input.load()
        if let writeSplit {
            let folder = URL(fileURLWithPath: writeSplit)
            try InteractionsCSV.write(split.train, to: folder.appendingPathComponent("train.csv"))
            try InteractionsCSV.write(split.test, to: folder.appendingPathComponent("test.csv"))
            print("split written to \(folder.path)/train.csv and test.csv")
        }
        let splitSeconds = (clock.now - start).inSeconds
        let indexed = EvaluationHarness.index(train: split.train, test: split.test)
        let testUsers = (0..<indexed.test.matrix.userCount).filter { indexed.test.matrix.userDegree($0) > 0 }.count
        print("split: \(indexed.train.userIDs.count) users × \(indexed.train.itemIDs.count) items, \(indexed.train.matrix.interactionCount) train and \(indexed.test.matrix.interactionCount) test interactions, \(testUsers) test users (read and split in \(String(format: "%.2f", splitSeconds)) s, indexed in \(String(format: "%.2f", (clock.now - start).inSeconds - splitSeconds)) s)")

        var settings = HarnessSettings()
        settings.factors = factors
        settings.iterations = iterations
        settings.regularization = regularization
        settings.alpha = alpha
        settings.conjugateGradientSteps = cgSteps
        settings.scaling = ConfidenceScaling(rawValue: scaling)!
        settings.neighbours = neighbours
        settings.threads = threads
        settings.seed = input.seed
        settings.learningCurves = curves != nil
        settings.epochs = epochs
        settings.learningRate = learningRate
        settings.schedule = HybridTraining.Schedule(rawValue: schedule)!
        settings.userAlpha = userAlpha
        settings.itemAlpha = itemAlpha
        settings.maxSampled = maxSampled
        settings.coldThreshold = coldThreshold
        var sideFeatures: [(item: Int, feature: String, weight: Float)] = []
        if input.features != nil {
            let rows = try input.loadFeatures()
            let itemIndex = Dictionary(uniqueKeysWithValues: indexed.train.itemIDs.enumerated().map { ($1, $0) })
            sideFeatures = rows.compactMap { row in itemIndex[row.item].map { ($0, row.feature, row.weight) } }
            print("features: \(sideFeatures.count) assignments of \(Set(sideFeatures.map(\.feature)).count) features to \(Set(sideFeatures.map(\.item)).count) items")
            if let writeFeatures {
                try ItemFeaturesCSV.write(rows.filter { itemIndex[$0.item] != nil }, to: URL(fileURLWithPath: writeFeatures))
            }
        }
        let names = algorithms.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let reports: [AlgorithmReport]
        do {
            reports = try EvaluationHarness(settings: settings).run(names, train: indexed.train.matrix,
                                                                     test: indexed.test.matrix,
                                                                     sideFeatures: sideFeatures) { print($0) }
        } catch let error as HarnessError {
            throw ValidationError(error.description)
        }
        print("")
        print(EvaluationReports.table(reports))
        for report in reports where report.name == "wrmf" {
            print(String(format: "wrmf fit per iteration: %.3f s", report.fitSeconds / Double(max(1, iterations))))
        }
        for report in reports where ["warp", "warp-tags", "bpr", "bpr-tags"].contains(report.name) {
            print(String(format: "%@ fit per epoch: %.3f s", report.name, report.fitSeconds / Double(max(1, epochs))))
        }
        if similarItems > 0, let factors = reports.first(where: { $0.name == "wrmf" })?.itemFactors {
            let start = clock.now
            let lists = FactorSimilarity(neighbours: similarItems, threads: threads).similarItems(factors)
            print(String(format: "wrmf top-%d similar items for all %d items: %.2f s", similarItems, lists.count,
                         (clock.now - start).inSeconds))
        }
        if let json {
            let data = try EvaluationReports.json(reports, split: [
                "users": indexed.train.userIDs.count, "items": indexed.train.itemIDs.count,
                "train_interactions": indexed.train.matrix.interactionCount,
                "test_interactions": indexed.test.matrix.interactionCount, "test_users": testUsers])
            try data.write(to: URL(fileURLWithPath: json), options: .atomic)
            print("results written to \(json)")
        }
        if let curves {
            try Data(EvaluationReports.learningCurvesSVG(reports).utf8).write(to: URL(fileURLWithPath: curves), options: .atomic)
            print("learning curves written to \(curves)")
        }
        print("peak memory: \(PeakMemory.megabytes()) MB")
    }
}

enum PeakMemory {
    /// The process's peak resident set (VmHWM), in MB; 0 where /proc is not available.
    static func megabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
