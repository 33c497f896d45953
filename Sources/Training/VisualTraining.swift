import CatalogStore
import Dispatch
import Evaluation
import Foundation
import ImageCodecs
import Recommenders
import Synchronization
import VisualFeatures

/// Image descriptors for every model with a local thumbnail, then top-N by cosine: the "Visually similar"
/// carousel. Descriptors are cached by image checksum, so a rerun only reads new or changed images.
struct VisualTraining {
    static let descriptorName = "classical-colour-edges-v1"

    let thumbnailsDirectory: URL
    let neighbours: Int
    let threads: Int

    func run(snapshot: LikesSnapshot, store: CatalogStore, progress: (String) -> Void) throws -> (lists: [[Neighbour]], parameters: [String: String]) {
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
        let cached = try store.cachedImageFeatures(checksums: checksums.filter { !$0.isEmpty }, descriptor: Self.descriptorName)
        let descriptor = ClassicalDescriptor()
        let features = FactorMatrix(rows: snapshot.modelIDs.count, columns: ClassicalDescriptor.dimension)
        let fresh = Mutex<[String: [Float]]>([:])
        let failures = Mutex<[String]>([])
        let described = Mutex(0)
        let shared = (files: files, contents: contents, checksums: checksums)
        let workers = max(1, threads)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: shared.files.count, by: workers) {
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
                        values = descriptor.describe(try ImageFile.decode([UInt8](data)))
                    } catch {
                        failures.withLock { $0.append("\(url.path): \(error)") }
                        continue
                    }
                    fresh.withLock { $0[shared.checksums[index]] = values }
                }
                let row = features.row(item)
                for (k, value) in values.enumerated() { row[k] = value }
                described.withLock { $0 += 1 }
            }
        }
        let newFeatures = fresh.withLock { $0 }
        try store.saveImageFeatures(newFeatures, descriptor: Self.descriptorName)
        let extracted = clock.now
        let count = described.withLock { $0 }
        let seconds = (extracted - start).inSeconds
        progress(String(format: "visual: %d thumbnails described (%d new, %d from cache) in %.2f s (%.0f images/s); %d models without a local thumbnail; %d unreadable",
                        count, newFeatures.count, count - newFeatures.count, seconds, Double(newFeatures.count) / max(seconds, 1e-9),
                        snapshot.modelIDs.count - files.count, failures.withLock { $0.count }))
        for failure in failures.withLock({ $0 }).prefix(5) { progress("  skipped \(failure)") }
        var hasImage = [Bool](repeating: false, count: snapshot.modelIDs.count)
        for (item, _) in files { hasImage[item] = true }
        let lists = FactorSimilarity(neighbours: neighbours, threads: threads).similarItems(features)
            .enumerated().map { item, list in hasImage[item] ? list.filter { hasImage[Int($0.item)] && $0.score > 0 } : [] }
        return (lists, ["descriptor": Self.descriptorName, "dimensions": String(ClassicalDescriptor.dimension)])
    }

    /// FNV-1a 64 of the file's bytes: a content key for the cache, not a security measure.
    static func checksum(_ data: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16) + "-" + String(data.count)
    }
}
