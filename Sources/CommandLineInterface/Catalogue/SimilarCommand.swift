import ArgumentParser
import CatalogFiles
import CatalogStore
import Foundation

struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "What the likes + tags model learnt: models for a tag or category, tag suggestions for a model.",
        discussion: "Reads what `recasketch train --algorithms warp-tags` stored. Exactly one of --tag, --category or --model.")

    @Option(help: "A tag: list the models nearest to it.", transform: ArgumentCheck.nonEmpty) var tag: String?
    @Option(help: "A category slug: list the models nearest to it.", transform: ArgumentCheck.nonEmpty) var category: String?
    @Option(help: "A model id or Sketchfab link: list its tags and the tags suggested for it.",
            transform: { text in
                switch SketchfabLink.modelID(from: text) {
                case .success(let id): return id
                case .failure(let problem): throw ArgumentProblem(description: problem.description)
                }
            })
    var model: ModelID?
    @Option(help: "How many models to list, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var limit = 12
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard [tag, category, model?.rawValue].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --tag, --category or --model")
        }
    }

    func run() async throws {
        let store = try database.openExisting()
        let lines: [String]
        if let model {
            lines = try await TagExploration.suggestions(for: model.rawValue, in: store)
        } else {
            let key = tag.map { FeatureKey(kind: .tag, value: $0.lowercased()) } ?? FeatureKey(kind: .category, value: (category ?? "").lowercased())
            lines = try await TagExploration.models(near: key, limit: limit, in: store)
        }
        for line in lines { print(line) }
    }
}
