import Foundation

/// `recasketch similar`: what the likes + tags model stored about tags, categories and models, as printable lines.
public enum TagExploration {
    /// A model's tags and the tags the model places it near without it carrying them.
    public static func suggestions(for mid: String, in store: CatalogStore) async throws -> [String] {
        guard let summary = try await store.model(mid: mid) else {
            throw CatalogStoreError.unknownModel(mid: mid, path: store.path)
        }
        let (carried, suggested) = try await store.modelFeatures(mid: mid)
        var lines = ["\(summary.name) (\(mid))", "carries: \(carried.map(\.name).joined(separator: ", "))"]
        if suggested.isEmpty {
            lines.append("no suggestions stored: run `recasketch train --algorithms warp-tags`")
        } else {
            lines.append("suggested tags: " + suggested.map { String(format: "%@ (%.2f)", $0.feature.value, $0.score) }.joined(separator: ", "))
        }
        return lines
    }

    /// The models nearest to a tag or category, ranked.
    public static func models(near key: FeatureKey, limit: Int, in store: CatalogStore) async throws -> [String] {
        let models = try await store.modelsNear(key, limit: limit)
        guard !models.isEmpty else {
            throw CatalogStoreError.nothingStored("nothing stored for \(key.name) in \(store.path): unknown \(key.kind.rawValue), or run `recasketch train --algorithms warp-tags`")
        }
        return models.enumerated().map { rank, entry in
            String(format: "%2d. %.3f  %@  %@", rank + 1, entry.score, entry.model.mid, entry.model.name)
        }
    }
}
