import CatalogStore

/// What the pages read. `CatalogStore` is the implementation; the protocol keeps the web layer from knowing SQL.
public protocol ExplorerStorage: Sendable {
    func modelPage(mid: String) async throws -> (ModelSummary, [RecommendationList])?
    func pickerModels(limit: Int) async throws -> [ModelSummary]
    func algorithms() async throws -> [AlgorithmInfo]
    func ping() async throws -> Int
    func allModels() async throws -> [ModelSummary]
    func modelsNear(_ feature: FeatureKey, limit: Int) async throws -> [(model: ModelSummary, score: Double)]
    func modelFeatures(mid: String) async throws -> (carried: [FeatureKey], suggested: [(feature: FeatureKey, score: Double)])
}

extension CatalogStore: ExplorerStorage {}
