import ArgumentParser
import CatalogFiles
import CatalogStore
import Evaluation
import Foundation

struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic-agreement",
        abstract: "Demo catalogue only: how often each algorithm's neighbours share the model's hidden topic.",
        discussion: "Reads the stored recommendations and the generator's model_topics.psv (mid|topic). The topics are for evaluation only: no algorithm reads them.")

    @Option(help: "The generator's model_topics.psv.") var topics: String
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let records: [PSVRecord]
        do {
            records = try PSVReader(contentsOf: URL(fileURLWithPath: topics)).records(header: ["mid", "topic"], fieldCount: 2)
        } catch let error as PSVError {
            throw ValidationError(error.description)
        }
        let topicOf = Dictionary(records.map { ($0.fields[0], $0.fields[1]) }, uniquingKeysWith: { first, _ in first })
        let store = try CatalogStore(path: database.path)
        print(String(format: "chance (random neighbours): %.3f", TopicAgreement.chance(topics: topicOf)))
        for algorithm in try store.trainedAlgorithms() {
            let result = TopicAgreement.share(lists: try store.recommendationLists(algorithm: algorithm), topics: topicOf)
            let name = algorithm.padding(toLength: max(12, algorithm.count), withPad: " ", startingAt: 0)
            print(name + String(format: " %.3f of %d neighbour pairs share the model's topic", result.share, result.pairs))
        }
    }
}
