import CatalogSnapshot
import Foundation
import Synchronization

/// What an instance answers from between two publications: the catalogue's snapshot, and the HTML and JSON
/// fragments the pages and the API rendered from it once. A request assembles ready bytes; no SQL, no template
/// interpretation.
public final class ServedCatalog: Sendable {
    public let snapshot: CatalogSnapshot
    let pages: PageFragments
    let api: APIFragments
    /// Changes with the catalogue's generation and with the templates: the base of every ETag.
    public let tag: String

    public var generation: Int64 { snapshot.generation }
    public var modelCount: Int { snapshot.modelCount }

    init(snapshot: CatalogSnapshot, renderer: PageRenderer, aboutAlgorithms: [AlgorithmDescription],
         workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.snapshot = snapshot
        pages = try PageFragments(snapshot, renderer: renderer, aboutAlgorithms: aboutAlgorithms, workers: workers)
        api = APIFragments(snapshot)
        tag = "\(snapshot.generation)-\(String(renderer.fingerprint, radix: 36))"
    }
}

/// An algorithm as the about page describes it, whether or not this catalogue trained it.
public struct AlgorithmDescription: Sendable {
    public var name: String
    public var title: String
    public var description: String

    public init(name: String, title: String, description: String) {
        self.name = name
        self.title = title
        self.description = description
    }
}

/// The catalogue in use. Requests take the current one at their start and finish on it; a reload swaps in a new
/// one atomically, and the old one is freed when its last request ends.
public final class ServedCatalogHolder: Sendable {
    private let state: Mutex<ServedCatalog>

    public init(_ catalog: ServedCatalog) { state = Mutex(catalog) }

    public var current: ServedCatalog { state.withLock { $0 } }

    func replace(with catalog: ServedCatalog) { state.withLock { $0 = catalog } }
}
