import CatalogStore

/// What the site reads from the catalogue: everything at once for a snapshot, the published generation to know
/// when to reload, and a liveness ping; and the one thing it writes, visitors' counts. `CatalogStore` is the
/// implementation; the web layer knows no SQL.
public protocol SiteStorage: Sendable {
    func publishedCatalog() throws -> PublishedCatalog
    func publishedGeneration() throws -> Int64
    func ping() async throws -> Int
    /// Visitors' counts: added by each instance, read whole for the reports.
    func addVisitorCounts(cards: [VisitorCardRow], pairs: [VisitorPairRow]) throws
    func visitorCounts() throws -> (cards: [VisitorCardRow], pairs: [VisitorPairRow])
}

extension CatalogStore: SiteStorage {}
