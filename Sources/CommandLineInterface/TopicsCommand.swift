import ArgumentParser
import CatalogFiles
import Evaluation
import Foundation
import CatalogStore

struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic-agreement",
        abstract: "Demo catalogue only: how often each algorithm's neighbours share the model's hidden topic.",
        discussion: "Reads the stored recommendations and the generator's model_topics.psv (mid|topic). The topics are for evaluation only: no algorithm reads them.")

    @Option(help: "The generator's model_topics.psv.", transform: ArgumentCheck.nonEmpty) var topics: String
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        let topicOf = try TopicAgreement.readTopics(URL(fileURLWithPath: topics))
        let lists = try store.trainedAlgorithms().map { (algorithm: $0, lists: try store.recommendationLists(algorithm: $0)) }
        for line in TopicAgreement.report(lists: lists, topics: topicOf) { print(line) }
    }
}
