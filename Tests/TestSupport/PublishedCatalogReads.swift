import CatalogStore

/// One algorithm's list for a model, as a test reads it back.
public struct RecommendationList: Equatable, Sendable {
    public var algorithm: String
    public var title: String
    /// The run's JSON parameters, e.g. which image descriptor produced a visual carousel.
    public var parameters: String
    public var models: [ModelSummary]
}

/// What tests read back from a store, through the one read the server uses (`publishedCatalog()`), so a test
/// checks what production reads rather than a second query of its own.
extension CatalogStore {
    /// The model and all its lists, in display order; nil when the catalogue does not hold it.
    public func modelPage(mid: String) async throws -> (ModelSummary, [RecommendationList])? {
        let catalog = try publishedCatalog()
        guard let position = catalog.models.firstIndex(where: { $0.mid == mid }) else { return nil }
        let lists = catalog.algorithms.compactMap { run -> RecommendationList? in
            guard let lists = catalog.lists[run.algorithm] else { return nil }
            let range = Int(lists.offsets[position])..<Int(lists.offsets[position + 1])
            guard !range.isEmpty else { return nil }
            return RecommendationList(algorithm: run.algorithm, title: run.title, parameters: run.parameters,
                                      models: lists.items[range].map { catalog.models[Int($0)] })
        }
        return (catalog.models[position], lists)
    }

    /// Every stored algorithm run, in display order.
    public func algorithms() async throws -> [AlgorithmInfo] {
        try publishedCatalog().algorithms
    }

    /// Every model, most liked first.
    public func allModels() async throws -> [ModelSummary] {
        try publishedCatalog().models.sorted { $0.likeCount != $1.likeCount ? $0.likeCount > $1.likeCount : $0.mid < $1.mid }
    }
}
