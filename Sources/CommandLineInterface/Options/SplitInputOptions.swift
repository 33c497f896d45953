import ArgumentParser
import Evaluation
import Foundation
import Recommenders

/// Where `evaluate` and `tune` get their data: a whole interaction file to threshold and split, or a split.
struct SplitInputOptions: ParsableArguments {
    @Option(help: "All interactions (user,item[,weight] CSV), to threshold and split.", transform: ArgumentCheck.nonEmpty)
    var interactions: String?
    @Option(help: "Or: a published model_likes_anon.psv (modelname|mid|uid), to threshold and split.", transform: ArgumentCheck.nonEmpty)
    var likes: String?
    @Option(help: "Or: a training split (with --test for evaluate).", transform: ArgumentCheck.nonEmpty) var train: String?
    @Option(help: "Test split (with --train).", transform: ArgumentCheck.nonEmpty) var test: String?
    @OptionGroup var splitProtocol: HoldoutOptions
    @Option(help: "Field separator of CSV input (one character).") var separator = ","
    var seed: UInt64 { splitProtocol.seed }
    @Option(help: "Item features for the -tags algorithms: item,feature[,weight] CSV, or a model_feats.psv file as published.",
            transform: ArgumentCheck.nonEmpty)
    var features: String?

    /// `catalogue`: a database the likes can come from instead (evaluate's --db).
    func validate(needsTest: Bool, catalogue: String? = nil) throws {
        let whole = [interactions, likes].compactMap { $0 }.count
        let split = train != nil
        let given = whole + (split ? 1 : 0)
        guard given == 1 || (given == 0 && catalogue != nil) else {
            throw ValidationError(catalogue == nil ? "give one of --interactions FILE, --likes FILE or --train FILE"
                                  : "give at most one of --interactions FILE, --likes FILE or --train FILE (without one, --db's likes are evaluated)")
        }
        if split, needsTest, test == nil { throw ValidationError("--train needs --test") }
        guard separator.utf8.count == 1 else { throw ValidationError("--separator must be one character") }
    }

    /// Whether the data comes from a file (otherwise from a catalogue database).
    var hasFileInput: Bool { interactions != nil || likes != nil || train != nil }

    var source: SplitSource {
        let separatorByte = separator.utf8.first ?? UInt8(ascii: ",")
        if let train {
            return .split(train: URL(fileURLWithPath: train), test: test.map(URL.init(fileURLWithPath:)), separator: separatorByte)
        }
        if let likes { return .publishedLikes(URL(fileURLWithPath: likes)) }
        return .interactions(URL(fileURLWithPath: interactions ?? ""), separator: separatorByte)
    }

    var holdoutSplit: HoldoutSplit { splitProtocol.holdoutSplit }

    var featuresURL: URL? { features.map(URL.init(fileURLWithPath:)) }
}

/// The held-out split's protocol, shared by `evaluate`, `tune` and `export-split` so one seed and one set of flags
/// name one split everywhere.
struct HoldoutOptions: ParsableArguments {
    @Option(help: "Likes held out per test user, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var holdout = 5
    @Option(help: "Share of users with held-out likes, 0.001–1.", transform: ArgumentCheck.real(0.001...1)) var fraction = 0.2
    @Option(help: "Minimum likes per user, 1–1,000,000.", transform: ArgumentCheck.integer(1...1_000_000)) var minUser = 5
    @Option(help: "Minimum likes per item, 1–1,000,000.", transform: ArgumentCheck.integer(1...1_000_000)) var minItem = 5
    @Option(help: "Random seed (split, initialisation, sampling).") var seed: UInt64 = 42

    var holdoutSplit: HoldoutSplit {
        HoldoutSplit(holdout: holdout, fraction: fraction, seed: seed,
                     threshold: KCoreFilter(minimumUserInteractions: minUser, minimumItemInteractions: minItem))
    }
}
