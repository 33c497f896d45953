import CatalogStore
import Foundation
import VisualFeatures

/// The catalogue's image features in memory, L2-normalised rows, for the nearest models to a live model's
/// thumbnail by cosine. Read once per server from the thumbnails and the feature cache `train` filled (keyed by
/// each file's checksum and the descriptor): no image is described at start.
public struct CatalogImageIndex: Sendable {
    public let descriptor: VisualDescriptor
    public let mids: [String]
    /// `mids.count × dimension`, row-major.
    let features: [Float]

    public var count: Int { mids.count }
    public var bytes: Int { features.count * MemoryLayout<Float>.size }

    public init(descriptor: VisualDescriptor, mids: [String], features: [Float]) {
        precondition(features.count == mids.count * descriptor.dimension)
        self.descriptor = descriptor
        self.mids = mids
        self.features = features
    }

    /// The models with a local thumbnail (`/thumbnails/{file}` under `thumbnails`) whose features the cache holds.
    public static func load(models: [(mid: String, thumbnailURL: String?)], thumbnails: URL, store: CatalogStore,
                            descriptor: VisualDescriptor) throws -> CatalogImageIndex {
        var checksums: [(mid: String, checksum: String)] = []
        for model in models {
            guard let url = model.thumbnailURL, url.hasPrefix("/thumbnails/") else { continue }
            let name = String(url.dropFirst("/thumbnails/".count))
            guard !name.contains("/"), !name.hasPrefix("."),
                  let data = try? Data(contentsOf: thumbnails.appendingPathComponent(name)) else { continue }
            checksums.append((model.mid, ImageChecksum.of(data)))
        }
        let cached = try store.cachedImageFeatures(checksums: checksums.map(\.checksum), descriptor: descriptor.name)
        var mids: [String] = [], features: [Float] = []
        features.reserveCapacity(checksums.count * descriptor.dimension)
        for (mid, checksum) in checksums {
            guard let values = cached[checksum], values.count == descriptor.dimension else { continue }
            mids.append(mid)
            features.append(contentsOf: normalised(values))
        }
        return CatalogImageIndex(descriptor: descriptor, mids: mids, features: features)
    }

    static func normalised(_ values: [Float]) -> [Float] {
        let norm = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    /// The `count` nearest catalogue models by cosine, best first.
    public func nearest(to query: [Float], count wanted: Int) -> [LiveModel.Suggestion] {
        let dimension = descriptor.dimension
        guard query.count == dimension, !mids.isEmpty else { return [] }
        let unit = Self.normalised(query)
        var best: [(index: Int, score: Float)] = []
        features.withUnsafeBufferPointer { rows in
            unit.withUnsafeBufferPointer { q in
                for row in 0..<mids.count {
                    let base = row * dimension
                    var sum = SIMD8<Float>(repeating: 0)
                    var k = 0
                    while k + 8 <= dimension {
                        sum.addProduct(SIMD8(rows[(base + k)..<(base + k + 8)]), SIMD8(q[k..<(k + 8)]))
                        k += 8
                    }
                    var score = sum.sum()
                    while k < dimension { score += rows[base + k] * q[k]; k += 1 }
                    if best.count < wanted {
                        best.append((row, score))
                        if best.count == wanted { best.sort { $0.score > $1.score } }
                    } else if score > best[wanted - 1].score {
                        var at = wanted - 1
                        while at > 0, best[at - 1].score < score { at -= 1 }
                        best.insert((row, score), at: at)
                        best.removeLast()
                    }
                }
            }
        }
        return best.sorted { $0.score > $1.score }.map { LiveModel.Suggestion(mid: mids[$0.index], score: $0.score) }
    }
}
