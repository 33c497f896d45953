import AlgorithmIdentity
import ArgumentParser
import CatalogImport
import CatalogStore
import Evaluation
import Foundation

struct ImportListsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-lists",
        abstract: "Bring in a recommender built elsewhere: its item-to-item lists become a carousel beside the built-in ones.",
        discussion: """
            FILE holds one pair a line, model_uid|neighbour_uid|score (a .csv file: the same three columns separated \
            by commas), with an optional header. Each model's pairs are ranked by score, highest first (--order file: \
            as the file lists them, best first). The whole file is checked before anything is written: a model uid \
            the catalogue lacks, a model listing itself, a score that is not a finite number or a pair given twice is \
            reported as FILE:LINE and the database is left as it was. Importing a name again replaces its lists; the \
            lists are published in the same transaction, so a running `serve` shows them on its next reload check. \
            The carousel follows the leading ones on every model page, is mixed into "Picked from all of them" and \
            counted like them, and `evaluate --db` scores it on the same split as the built-ins. \
            `recasketch export-split` writes that split for training outside (see docs/compare-your-own.md).
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "The recommender's name in URLs, the API and events: lower-case letters, digits and inner hyphens (implicit-als), not a built-in's.",
            transform: ArgumentCheck.importedName)
    var name: ImportedName
    @Option(help: "The carousel's heading on model pages: one line of 1 to 80 characters.", transform: ArgumentCheck.text(1...80)) var title: String
    @Option(help: "One sentence on what the lists are, shown under the heading (default: where they came from).",
            transform: ArgumentCheck.text(1...400))
    var description: String?
    @Option(help: "How each model's pairs are ranked: score (highest first) or file (as listed, best first).") var order: ListImport.Order = .score
    @Option(help: "Suggestions kept per model, best first, 1–100 (12: what train stores and a carousel shows).",
            transform: ArgumentCheck.integer(1...100))
    var keep = 12
    @Argument(help: "The lists: model_uid|neighbour_uid|score a line (.psv, .txt) or the same columns as .csv.",
              transform: ArgumentCheck.nonEmpty)
    var file: String

    func run() throws {
        let store = try database.openExisting()
        var job = ListImport(file: URL(fileURLWithPath: file), name: name, title: title, description: description)
        (job.order, job.keep) = (order, keep)
        do {
            let report = try job.run(into: store)
            report.lines.forEach { print($0) }
            print("\(name) published in \(store.path): a carousel on the model pages at the next reload")
        } catch let problems as ListImport.Problems {
            problems.lines.prefix(20).forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            throw CommandFailure("\(problems.lines.count) problem\(problems.lines.count == 1 ? "" : "s") in \(file) (the first: \(problems.lines[0])); nothing was written")
        }
    }
}

struct RemoveListsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-lists",
        abstract: "Remove an imported recommender's lists and its carousel, and publish.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The name it was imported under.", transform: ArgumentCheck.importedName)
    var name: ImportedName

    func run() throws {
        let store = try database.openExisting()
        guard try store.removeImportedLists(algorithm: name.rawValue) else {
            throw CommandFailure("\(store.path) holds no lists named \(name)")
        }
        print("\(name) removed from \(store.path) and published")
    }
}

struct ExportSplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-split",
        abstract: "Write the held-out split `evaluate --db` scores, so a model trained elsewhere is compared on the same likes.",
        discussion: """
            Writes train.csv and test.csv (user,item: anonymous user ids and model uids), features.csv (item,feature), \
            items.csv (uid,name,link,thumbnail) and split.json (seed, protocol, counts, sha256 of each file) into \
            --out. The same --seed and protocol flags give `evaluate --db` the same split. Train on train.csv, write \
            item-to-item lists for `import-lists` or each test user's top-N for `evaluate --user-lists`.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "The folder to write into (created when missing; files in it are replaced).", transform: ArgumentCheck.nonEmpty)
    var out: String
    @OptionGroup(title: "Split protocol (as evaluate's)") var splitProtocol: HoldoutOptions

    func run() throws {
        let store = try database.openExisting()
        let report = try SplitExport(store: store, holdout: splitProtocol.holdoutSplit, directory: URL(fileURLWithPath: out)).run()
        print("split of seed \(splitProtocol.seed): \(report.counts["train_likes"]!) training likes, \(report.counts["test_likes"]!) held out from \(report.counts["test_users"]!) users")
        print("written to \(out): \(report.files.joined(separator: ", "))")
    }
}

extension ListImport.Order: ExpressibleByArgument {}
