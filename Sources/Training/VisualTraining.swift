import CatalogStore
import Dispatch
import ElapsedTime
import Foundation
import ImageCodecs
import Recommenders
import Synchronization
import VisualFeatures
import ParallelWork

/// Image descriptors for every model with a local thumbnail, then top-N by cosine: the "Visually similar"
/// carousel. Descriptors are cached by image checksum and descriptor name, so a rerun only describes new or changed
/// images. Features are L2-normalised, optionally reduced by PCA, and ranked by cosine.
struct VisualTraining {
    let thumbnailsDirectory: URL
    let descriptor: VisualDescriptor
    let principalComponents: Int?
    let search: SimilarItemsSearch
    var neighbours: Int { search.neighbours }
    var threads: Int { search.threads }

    func run(snapshot: TrainingLikes, store: CatalogStore, progress: (String) -> Void) throws -> (lists: [[Neighbour]], parameters: [String: String]) {
        let clock = ContinuousClock()
        let start = clock.now
        let urls = try store.thumbnailURLs()
        // Local thumbnails only: the demo's, served under /thumbnails/ from this folder.
        var files: [(item: Int, url: URL)] = []
        for (item, modelID) in snapshot.modelIDs.enumerated() {
            guard let url = urls[modelID], url.hasPrefix("/thumbnails/") else { continue }
            let name = String(url.dropFirst("/thumbnails/".count))
            guard !name.contains("/"), !name.hasPrefix(".") else { continue }
            files.append((item, thumbnailsDirectory.appendingPathComponent(name)))
        }
        let contents = files.map { try? Data(contentsOf: $0.url) }
        let checksums = contents.map { $0.map(Self.checksum) ?? "" }
        let cached = try store.cachedImageFeatures(checksums: checksums.filter { !$0.isEmpty }, descriptor: descriptor.name)
        let descriptor = self.descriptor
        let features = FactorMatrix(rows: snapshot.modelIDs.count, columns: descriptor.dimension)
        let fresh = Mutex<[String: [Float]]>([:])
        let failures = Mutex<[String]>([])
        let described = Mutex(0)
        let shared = (files: files, contents: contents, checksums: checksums)
        let workers = max(1, threads)
        Parallel.forEachShare(of: shared.files.count, workers: workers) { share, _ in
            let describe = descriptor.makeDescriber()
            for index in share {
                let (item, url) = shared.files[index]
                guard let data = shared.contents[index] else {
                    failures.withLock { $0.append("\(url.path): cannot read the file") }
                    continue
                }
                let values: [Float]
                if let known = cached[shared.checksums[index]] {
                    values = known
                } else {
                    do {
                        values = describe(try ImageFile.decode([UInt8](data)))
                    } catch {
                        failures.withLock { $0.append("\(url.path): \(error)") }
                        continue
                    }
                    fresh.withLock { $0[shared.checksums[index]] = values }
                }
                guard values.count == descriptor.dimension else {
                    failures.withLock { $0.append("\(url.path): cached features have \(values.count) values, expected \(descriptor.dimension)") }
                    continue
                }
                let row = features.row(item)
                let norm = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                for (k, value) in values.enumerated() { row[k] = norm > 0 ? value / norm : 0 }
                described.withLock { $0 += 1 }
            }
        }
        let newFeatures = fresh.withLock { $0 }
        try store.saveImageFeatures(newFeatures, descriptor: descriptor.name)
        let extracted = clock.now
        let count = described.withLock { $0 }
        let seconds = (extracted - start).inSeconds
        progress(String(format: "visual (%@): %d thumbnails described (%d new, %d from cache) in %.2f s (%.1f images/s); %d models without a local thumbnail; %d unreadable",
                        descriptor.name, count, newFeatures.count, count - newFeatures.count, seconds, Double(newFeatures.count) / max(seconds, 1e-9),
                        snapshot.modelIDs.count - files.count, failures.withLock { $0.count }))
        for failure in failures.withLock({ $0 }).prefix(5) { progress("  skipped \(failure)") }
        var hasImage = [Bool](repeating: false, count: snapshot.modelIDs.count)
        for (item, _) in files { hasImage[item] = true }
        var ranked = features
        var parameters = ["descriptor": descriptor.name, "dimensions": String(descriptor.dimension)]
        if let principalComponents, principalComponents < descriptor.dimension {
            let pcaStart = clock.now
            let withImages = hasImage.indices.filter { hasImage[$0] }
            let pca = PrincipalComponents.fit(features, rows: withImages, dimensions: principalComponents, threads: threads)
            ranked = pca.project(features, threads: threads)
            parameters["pca"] = String(principalComponents)
            progress(String(format: "visual: PCA %d → %d dimensions in %.2f s", descriptor.dimension, principalComponents,
                            (clock.now - pcaStart).inSeconds))
        }
        let rankStart = clock.now
        let similar = search.similarItems(ranked, eligible: hasImage, progress: progress)
        let lists = similar.lists.map { list in list.filter { $0.score > 0 } }
        parameters["top_n"] = similar.summary(neighbours: neighbours)
        progress(String(format: "visual: top-%d neighbours by cosine for %d models in %.2f s, %@", neighbours, snapshot.modelIDs.count,
                        (clock.now - rankStart).inSeconds, similar.summary(neighbours: neighbours)))
        return (lists, parameters)
    }

    /// The feature cache's content key (`ImageChecksum`).
    static func checksum(_ data: Data) -> String { ImageChecksum.of(data) }
}

/// The content key the feature cache uses, for tools and tests that look entries up.
public enum VisualTrainingChecksum {
    public static func of(_ data: Data) -> String { VisualTraining.checksum(data) }
}
