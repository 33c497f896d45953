import CatalogSnapshot
import Dispatch
import Foundation
import Logging
import ParallelWork
import ServiceLifecycle
import UnixSignals

/// Loads the catalogue again when `import` or `train` publishes a new one (checked every `interval`) or on SIGHUP,
/// beside the one in use, and swaps it in atomically: requests in flight finish on the old one. A catalogue that
/// fails to load is logged and the old one stays.
public struct CatalogReloadService: Service {
    let holder: ServedCatalogHolder
    let loader: ServedCatalogLoader
    let interval: Duration
    let logger: Logger
    /// With `--static-pages`: the model pages written for nginx after every catalogue this instance starts serving.
    public let staticPages: StaticModelPages?

    public init(holder: ServedCatalogHolder, loader: ServedCatalogLoader, interval: Duration, logger: Logger,
                staticPages: StaticModelPages? = nil) {
        self.holder = holder
        self.loader = loader
        self.interval = interval
        self.logger = logger
        self.staticPages = staticPages
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The pages of the catalogue loaded at start, then the watch for new publications.
                    await writeStaticPages(of: holder.current)
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: interval) } catch { return }
                        await reload(onlyIfPublished: true, reason: "new publication")
                    }
                }
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        await reload(onlyIfPublished: false, reason: "SIGHUP")
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Loads and swaps; returns whether a new catalogue is in use.
    @discardableResult
    public func reload(onlyIfPublished: Bool, reason: String) async -> Bool {
        // Only the number: holding the old catalogue here would keep its memory alive past the swap.
        let previous = holder.current.generation
        do {
            if onlyIfPublished, try await loader.publishedGeneration() == previous { return false }
            let started = ContinuousClock.now
            // One thread: the other cores keep serving while the new catalogue is built beside the old one.
            let fresh = try await loader.load(workers: 1)
            let generation = fresh.generation, models = fresh.modelCount
            holder.replace(with: fresh)
            logger.notice("snapshot swapped", metadata: [
                "reason": .string(reason), "generation": "\(generation)", "previous": "\(previous)",
                "models": "\(models)", "load_seconds": "\((ContinuousClock.now - started).components.seconds)",
            ])
            await writeStaticPages(of: holder.current)
            // The old catalogue goes when its last request ends; then give its pages back to the system.
            try? await Task.sleep(for: .seconds(1))
            loader.releaseFreeMemory()
            return true
        } catch {
            logger.error("snapshot reload failed; still serving the previous one", metadata: [
                "reason": .string(reason), "generation": "\(previous)", "error": "\(error)",
            ])
            return false
        }
    }
}

extension CatalogReloadService {
    /// Writes the catalogue's model pages for nginx (when asked to) on a thread of its own; a failure is logged and
    /// nginx goes on sending the previous generation's files.
    @discardableResult
    public func writeStaticPages(of catalog: ServedCatalog) async -> StaticModelPages.Outcome? {
        guard let staticPages else { return nil }
        let started = ContinuousClock.now
        do {
            let outcome = try await runOffThePool { try staticPages.publish(catalog) }
            if case .written(let generation, let pages, let bytes, let compressed) = outcome {
                logger.notice("static pages written", metadata: [
                    "folder": .string(staticPages.folder.path), "generation": "\(generation)", "pages": "\(pages)",
                    "megabytes": "\(bytes / 1_000_000)", "gzip_megabytes": "\(compressed / 1_000_000)",
                    "seconds": "\((ContinuousClock.now - started).components.seconds)",
                ])
            }
            return outcome
        } catch {
            logger.error("static pages not written; nginx keeps sending the previous ones", metadata: [
                "generation": "\(catalog.generation)", "error": "\(error)",
            ])
            return nil
        }
    }
}


/// Builds the served catalogue from the store, on a thread of its own: reading the catalogue and rendering every
/// model's fragments is blocking work that must not hold one of the few threads that serve requests.
public struct ServedCatalogLoader: Sendable {
    let storage: any SiteStorage
    let renderer: PageRenderer
    let aboutAlgorithms: [AlgorithmDescription]

    public init(storage: any SiteStorage, renderer: PageRenderer, aboutAlgorithms: [AlgorithmDescription]) {
        self.storage = storage
        self.renderer = renderer
        self.aboutAlgorithms = aboutAlgorithms
    }

    public func load(workers: Int) async throws -> ServedCatalog {
        try await runOffThePool { try loadNow(workers: workers) }
    }

    /// `workers` threads render the models' blocks: all cores at start, one for a reload beside the catalogue being served.
    public func loadNow(workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> ServedCatalog {
        let catalog = try ServedCatalog(snapshot: CatalogSnapshot(storage.publishedCatalog()), renderer: renderer,
                                        aboutAlgorithms: aboutAlgorithms, workers: workers)
        // Loading reads every row and renders every fragment in temporary arrays; hand their pages back to the
        // system instead of keeping them as the process's high-water mark.
        releaseFreeMemory()
        return catalog
    }

    func releaseFreeMemory() {
        #if os(Linux)
        _ = mallocTrim(0)
        #endif
    }

    func publishedGeneration() async throws -> Int64 {
        try await runOffThePool { try storage.publishedGeneration() }
    }

}

#if os(Linux)
/// glibc's `malloc_trim`, which its Swift module does not export.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
#endif
