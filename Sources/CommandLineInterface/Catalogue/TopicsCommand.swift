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
    @Option(help: "Also score the lists of the most-liked models alone (the hubs), as a share of the catalogue such as 1% (0.01–100), and flag an algorithm whose hubs fall more than 0.2 below its average.",
            transform: { text in
                let number = text.hasSuffix("%") ? String(text.dropLast()) : text
                guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                      let value = Double(number), value.isFinite, (0.01...100).contains(value) else {
                    throw ArgumentProblem(description: "--most-liked must be a percentage between 0.01% and 100%, such as 1%")
                }
                return value
            })
    var mostLiked: Double?
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        let topicOf = try TopicAgreement.readTopics(URL(fileURLWithPath: topics))
        let lists = try store.trainedAlgorithms().map { (algorithm: $0, lists: try store.recommendationLists(algorithm: $0)) }
        var hubs: Set<String>?
        if let mostLiked {
            hubs = TopicAgreement.mostLiked(likeCounts: try store.likeCounts(), percent: mostLiked)
        }
        for line in TopicAgreement.report(lists: lists, topics: topicOf, hubs: hubs) { print(line) }
    }
}
