import CatalogStore

/// What the site reads from the catalogue: everything at once for a snapshot, the published generation to know
/// when to reload, and a liveness ping. `CatalogStore` is the implementation; the web layer knows no SQL.
public protocol SiteStorage: Sendable {
    func publishedCatalog() throws -> PublishedCatalog
    func publishedGeneration() throws -> Int64
    func ping() async throws -> Int
}

extension CatalogStore: SiteStorage {}
