import ArgumentParser
import CatalogStore
import Foundation
import Training

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Describe thumbnails in shards on many machines, then merge the shards into a catalogue's feature cache.",
        discussion: """
            `recasketch features --thumbnails DIR --shard K/N --out FILE` describes the K-th of N slices of the \
            thumbnails (by a hash of the model id: the same slice for the same K on every machine) into a \
            self-describing file; run K = 1…N anywhere (a Kubernetes indexed Job, a Slurm array, ssh). Then \
            `recasketch features merge FILE… --db PATH` loads them into the feature cache, and `train --algorithms \
            visual` uses them instead of describing the images again. Merged features equal those computed on one \
            machine bit for bit.
            """,
        subcommands: [DescribeFeaturesCommand.self, MergeFeaturesCommand.self], defaultSubcommand: DescribeFeaturesCommand.self)
}

struct DescribeFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Describe one shard of the thumbnails into a file.")

    @Option(help: "Folder of {mid}.jpg thumbnails.", transform: ArgumentCheck.nonEmpty) var thumbnails: String
    @Option(help: "Which slice, K/N (1 ≤ K ≤ N ≤ 100000).", transform: { text in
        guard let shard = FeatureShard(text) else { throw ArgumentProblem(description: "expected K/N with 1 ≤ K ≤ N ≤ 100000, e.g. 2/8") }
        return shard
    })
    var shard: FeatureShard
    @Option(help: "The shard file to write.", transform: ArgumentCheck.nonEmpty) var out: String
    @Option(help: "Worker threads, 1–256.", transform: ArgumentCheck.integer(1...256)) var threads = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var visual: VisualDescriptorOptions

    func run() throws {
        let descriptor = try visual.resolve { print($0) }
        do {
            let summary = try FeatureShardFile.describe(thumbnails: URL(fileURLWithPath: thumbnails), shard: shard, descriptor: descriptor,
                                                        threads: threads, output: URL(fileURLWithPath: out)) { print($0) }
            for problem in summary.unreadable.prefix(10) { print("skipped \(problem)") }
        } catch let error as FeatureShardError {
            throw CommandFailure(error.description)
        }
    }
}

struct MergeFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Load shard files into a catalogue's feature cache.")

    @Argument(help: "The shard files, every shard of one run.") var files: [String]
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        let store = try database.openExisting()
        do {
            _ = try FeatureShardFile.merge(files.map(URL.init(fileURLWithPath:)), into: store) { print($0) }
        } catch let error as FeatureShardError {
            throw CommandFailure(error.description)
        }
    }
}
