import ArgumentParser
import CatalogFiles
import Evaluation
import Foundation
import Recommenders

/// Where `evaluate` and `tune` get their data: a whole interaction file to threshold and split, or a split.
struct SplitInputOptions: ParsableArguments {
    @Option(help: "All interactions (user,item[,weight] CSV), to threshold and split.") var interactions: String?
    @Option(help: "Or: a published model_likes_anon.psv (modelname|mid|uid), to threshold and split.") var likes: String?
    @Option(help: "Or: a training split (with --test for evaluate).") var train: String?
    @Option(help: "Test split (with --train).") var test: String?
    @Option(help: "Likes held out per test user.") var holdout = 5
    @Option(help: "Share of users with held-out likes.") var fraction = 0.2
    @Option(help: "Minimum likes per user.") var minUser = 5
    @Option(help: "Minimum likes per item.") var minItem = 5
    @Option(help: "Field separator of CSV input.") var separator = ","
    @Option(help: "Random seed (split, initialisation, sampling).") var seed: UInt64 = 42
    @Option(help: "Item features for the -tags algorithms: item,feature[,weight] CSV, or a published model_feats.psv.")
    var features: String?

    func validate(needsTest: Bool) throws {
        let whole = [interactions, likes].compactMap { $0 }.count
        let split = train != nil
        guard whole + (split ? 1 : 0) == 1 else {
            throw ValidationError("give one of --interactions FILE, --likes FILE or --train FILE")
        }
        if split, needsTest, test == nil { throw ValidationError("--train needs --test") }
        guard separator.utf8.count == 1 else { throw ValidationError("--separator must be one character") }
    }

    /// The train and test triples (test is empty when only --train was given).
    func load() throws -> (train: HoldoutSplit.Triples, test: HoldoutSplit.Triples) {
        do {
            if let train {
                let separatorByte = separator.utf8.first!
                return (try InteractionsCSV.read(URL(fileURLWithPath: train), separator: separatorByte),
                        try test.map { try InteractionsCSV.read(URL(fileURLWithPath: $0), separator: separatorByte) } ?? [])
            }
            let all: HoldoutSplit.Triples
            if let likes {
                all = try CatalogFileFormat.readLikes(PSVReader(contentsOf: URL(fileURLWithPath: likes)))
                    .map { (user: $0.user, item: $0.mid.rawValue, weight: Float(1)) }
            } else {
                all = try InteractionsCSV.read(URL(fileURLWithPath: interactions!), separator: separator.utf8.first!)
            }
            let splitter = HoldoutSplit(holdout: holdout, fraction: fraction, seed: seed,
                                        threshold: KCoreFilter(minimumUserInteractions: minUser, minimumItemInteractions: minItem))
            return try splitter.split(all)
        } catch let error as InteractionsCSV.FormatError {
            throw ValidationError(error.description)
        } catch let error as PSVError {
            throw ValidationError(error.description)
        } catch let error as HoldoutSplit.SplitError {
            throw ValidationError(error.description)
        }
    }

    /// The item features, named `kind:value` when read from a published features file.
    func loadFeatures() throws -> [(item: String, feature: String, weight: Float)] {
        guard let features else { return [] }
        do {
            if features.hasSuffix(".psv") {
                return try CatalogFileFormat.readFeatures(PSVReader(contentsOf: URL(fileURLWithPath: features)))
                    .map { ($0.mid.rawValue, "\($0.kind.rawValue):\($0.value)", 1) }
            }
            return try ItemFeaturesCSV.read(URL(fileURLWithPath: features))
        } catch let error as PSVError {
            throw ValidationError(error.description)
        } catch let error as InteractionsCSV.FormatError {
            throw ValidationError(error.description)
        }
    }
}
