import CatalogStore
import Foundation
import VisualFeatures

/// The catalogue's image features in memory, for the nearest models to a live model's thumbnail by cosine. Read
/// once per server from the thumbnails and the feature cache `train` filled (keyed by each file's checksum and the
/// descriptor): no image is described at start.
public struct CatalogImageIndex: Sendable {
    public let descriptor: VisualDescriptor
    public let vectors: UnitVectors

    public var count: Int { vectors.count }

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
        var mids: [String] = [], features: [Float] = []
        do {
            let cached = try store.cachedImageFeatures(checksums: checksums.map(\.checksum), descriptor: descriptor.name)
            features.reserveCapacity(checksums.count * descriptor.dimension)
            for (mid, checksum) in checksums {
                guard let values = cached[checksum], values.count == descriptor.dimension else { continue }
                mids.append(mid)
                features += values
            }
        }
        return CatalogImageIndex(descriptor: descriptor, vectors: UnitVectors(mids: mids, dimension: descriptor.dimension, values: features))
    }

    public func nearest(to features: [Float], count: Int) -> [LiveModel.Suggestion] {
        vectors.nearest(to: features, count: count)
    }
}

/// The Likes + tags model's vectors in memory: a model it never trained on is placed as training builds an item,
/// the normalised sum of the embeddings of its tags and categories the model knows, and compared by cosine with
/// every model's representation.
public struct TagFoldIn: Sendable {
    let features: [String: [Float]]
    public let items: UnitVectors

    /// From what `train` stored; models the catalogue no longer holds are left out.
    public init(_ stored: HybridVectors, mids: [Int64: String]) {
        var features: [String: [Float]] = [:]
        for (index, key) in stored.features.enumerated() {
            features[key.name] = Array(stored.featureVectors[(index * stored.factors)..<((index + 1) * stored.factors)])
        }
        self.features = features
        var known: [String] = [], values: [Float] = []
        for (index, id) in stored.modelIDs.enumerated() {
            guard let mid = mids[id] else { continue }
            known.append(mid)
            values += stored.itemVectors[(index * stored.factors)..<((index + 1) * stored.factors)]
        }
        items = UnitVectors(mids: known, dimension: stored.factors, values: values)
    }

    /// The nearest models to a model carrying `features` (names as `FeatureKey.name`), and how many of them the
    /// model knows; nil when it knows none.
    public func nearest(to names: [String], count: Int) -> (suggestions: [LiveModel.Suggestion], used: Int)? {
        var sum = [Float](repeating: 0, count: items.dimension), used = 0
        for name in Set(names) {
            guard let vector = features[name] else { continue }
            used += 1
            for k in 0..<items.dimension { sum[k] += vector[k] }
        }
        guard used > 0 else { return nil }
        return (items.nearest(to: sum.map { $0 / Float(used) }, count: count), used)
    }
}
