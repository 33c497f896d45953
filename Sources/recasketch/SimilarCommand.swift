import ArgumentParser
import CatalogFiles
import CatalogStore
import Foundation

struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "What the likes + tags model learnt: models for a tag or category, tag suggestions for a model.",
        discussion: "Reads what `recasketch train --algorithms warp-tags` stored. Exactly one of --tag, --category or --model.")

    @Option(help: "A tag: list the models nearest to it.") var tag: String?
    @Option(help: "A category slug: list the models nearest to it.") var category: String?
    @Option(help: "A model id or Sketchfab link: list its tags and the tags suggested for it.") var model: String?
    @Option(help: "How many models to list.") var limit = 12
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard [tag, category, model].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --tag, --category or --model")
        }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ValidationError("no database at \(database.path)")
        }
        let store = try CatalogStore(path: database.path)
        if let model {
            let mid: ModelID
            switch SketchfabLink.modelID(from: model) {
            case .success(let id): mid = id
            case .failure(let problem): throw ValidationError(problem.description)
            }
            guard let summary = try await store.model(mid: mid.rawValue) else {
                throw ValidationError("model \(mid) is not in \(database.path)")
            }
            let (carried, suggested) = try await store.modelFeatures(mid: mid.rawValue)
            print("\(summary.name) (\(mid))")
            print("carries: \(carried.map(\.name).joined(separator: ", "))")
            if suggested.isEmpty {
                print("no suggestions stored: run `recasketch train --algorithms warp-tags`")
            } else {
                print("suggested tags: " + suggested.map { String(format: "%@ (%.2f)", $0.feature.value, $0.score) }.joined(separator: ", "))
            }
            return
        }
        let key = tag.map { FeatureKey(kind: "tag", value: $0.lowercased()) } ?? FeatureKey(kind: "category", value: category!.lowercased())
        let models = try await store.modelsNear(key, limit: limit)
        guard !models.isEmpty else {
            throw ValidationError("nothing stored for \(key.name): unknown \(key.kind), or run `recasketch train --algorithms warp-tags`")
        }
        for (rank, entry) in models.enumerated() {
            print(String(format: "%2d. %.3f  %@  %@", rank + 1, entry.score, entry.model.mid, entry.model.name))
        }
    }
}
