import ConvolutionalNetwork
import Dispatch
import ElapsedTime
import Foundation
import ImageCodecs
import Recommenders
import Synchronization
import ParallelWork

/// CNN feature extraction (latency on one thread, throughput on `threads`), then all-items cosine top-N over
/// `items` vectors, with and without PCA.
public struct VisualBenchmark: Sendable {
    public var network: EfficientNetLite0
    public var side: Int
    public var threads: Int
    public var items: Int
    public var neighbours: Int
    public var principalComponents: Int
    public var featuresOutput: URL?

    public init(network: EfficientNetLite0, side: Int = EfficientNetLite0.nativeInputSide, threads: Int, items: Int = 28_806,
                neighbours: Int = 20, principalComponents: Int = 256, featuresOutput: URL? = nil) {
        self.network = network
        self.side = side
        self.threads = max(1, threads)
        self.items = items
        self.neighbours = neighbours
        self.principalComponents = principalComponents
        self.featuresOutput = featuresOutput
    }

    public func run(_ decoded: DecodedThumbnails, progress: (String) -> Void) throws {
        let clock = ContinuousClock()
        let network = self.network, side = self.side
        let workspace = network.makeWorkspace(inputSide: side)
        _ = network.features(of: decoded.images[0], workspace: workspace)  // warm-up
        let latencyCount = min(decoded.images.count, 32)
        var start = clock.now
        for image in decoded.images.prefix(latencyCount) { _ = network.features(of: image, workspace: workspace) }
        let latency = (clock.now - start).inSeconds / Double(latencyCount)
        progress(String(format: "1 thread:  %.1f ms/image (%.1f images/s) at %d×%d input", latency * 1000, 1 / latency, side, side))

        let features = FactorMatrix(rows: decoded.images.count, columns: EfficientNetLite0.featureDimension)
        let shared = decoded.images
        start = clock.now
        // Images cost the same: an equal share per worker, each with its own workspace.
        Parallel.forEachShare(of: shared.count, workers: threads) { share, _ in
            let workspace = network.makeWorkspace(inputSide: side)
            for index in share {
                let values = network.features(of: shared[index], workspace: workspace)
                let row = features.row(index)
                for (k, value) in values.enumerated() { row[k] = value }
            }
        }
        let perImage = (clock.now - start).inSeconds / Double(shared.count)
        progress(String(format: "%d threads: %.1f ms/image (%.1f images/s); 28,806 thumbnails would take %.1f min",
                        threads, perImage * 1000, 1 / perImage, 28_806 * perImage / 60))

        if let featuresOutput {
            let lines = decoded.names.enumerated().map { index, name in
                name + "\t" + features.rowArray(index).map { String($0) }.joined(separator: ",")
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: featuresOutput, options: .atomic)
        }
        guard items > 0 else { return }
        let corpus = FactorMatrix(rows: items, columns: EfficientNetLite0.featureDimension)
        var generator = SystemRandomNumberGenerator()
        for item in 0..<items {
            let source = features.row(item % shared.count), target = corpus.row(item)
            for k in 0..<EfficientNetLite0.featureDimension { target[k] = source[k] * Float.random(in: 0.9...1.1, using: &generator) }
        }
        start = clock.now
        let lists = FactorSimilarity(neighbours: neighbours, threads: threads).similarItems(corpus)
        progress(String(format: "top-%d cosine neighbours for %d items × %d dimensions: %.2f s (%d lists)", neighbours, items,
                        EfficientNetLite0.featureDimension, (clock.now - start).inSeconds, lists.count))
        guard principalComponents > 0 else { return }
        start = clock.now
        let components = PrincipalComponents.fit(corpus, rows: Array(0..<items), dimensions: principalComponents, threads: threads)
        let reduced = components.project(corpus, threads: threads)
        let fitted = clock.now
        let reducedLists = FactorSimilarity(neighbours: neighbours, threads: threads).similarItems(reduced)
        progress(String(format: "PCA to %d dimensions: fit + project %.2f s, top-%d ranking %.2f s, total %.2f s (%d lists)",
                        principalComponents, (fitted - start).inSeconds, neighbours, (clock.now - fitted).inSeconds,
                        (clock.now - start).inSeconds, reducedLists.count))
    }
}
