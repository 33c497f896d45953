import CatalogStore

/// What the pages read. `CatalogStore` is the implementation; the protocol keeps the web layer from knowing SQL.
public protocol ExplorerStorage: Sendable {
    func modelPage(mid: String) async throws -> (ModelSummary, [RecommendationList])?
    func pickerModels(limit: Int) async throws -> [ModelSummary]
    func algorithms() async throws -> [AlgorithmInfo]
    func ping() async throws -> Int
}

extension CatalogStore: ExplorerStorage {}
