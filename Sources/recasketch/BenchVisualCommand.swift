import ArgumentParser
import ConvolutionalNetwork
import Dispatch
import Foundation
import ImageCodecs
import NetworkWeights
import Recommenders
import Synchronization

struct BenchVisualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-visual",
        abstract: "Measure CNN feature extraction (ms per image, images per second) and all-items visual neighbour ranking.",
        discussion: """
            Decodes up to --count JPEG/PNG files from --images, extracts EfficientNet-Lite0 features one image at a time \
            on one thread (latency), then on --threads threads (throughput), and finally ranks top --neighbours by \
            cosine for --items feature vectors (the extracted ones, repeated with seeded noise to reach that count).
            """)

    @Option(help: "Folder of thumbnails (.jpg/.png).") var images: String
    @Option(help: "Images to extract.") var count = 256
    @Option(help: "Worker threads for the throughput run.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Side the network's input is resized to.") var side = EfficientNetLite0.nativeInputSide
    @Option(help: "Feature vectors to rank for the neighbour benchmark (0 skips it).") var items = 28_806
    @Option(help: "Neighbours per item.") var neighbours = 20
    @Option(help: "Also rank after PCA to this many dimensions (0 skips it).") var pca = 256
    @Option(help: "Write each image's features as `name<TAB>v1,v2,…` to this file (for scripts/bench-cnn-peer.py --compare).")
    var featuresOut: String?
    @Option(help: "Folder of installed weights (default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights).")
    var weights: String?

    func run() throws {
        let network: EfficientNetLite0
        do { network = try InstalledWeights.resolve(weights).load().network } catch { throw ValidationError("\(error)") }
        let folder = URL(fileURLWithPath: images)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted().prefix(count)
        let clock = ContinuousClock()
        var start = clock.now
        var decoded: [RGBImage] = []
        var decodedNames: [String] = []
        for name in names {
            if let image = try? ImageFile.decode([UInt8](Data(contentsOf: folder.appendingPathComponent(name)))) {
                decoded.append(image)
                decodedNames.append(name)
            }
        }
        guard !decoded.isEmpty else { throw ValidationError("no readable images in \(folder.path)") }
        let decodeSeconds = (clock.now - start).inSeconds
        print(String(format: "decoded %d images (%d×%d) in %.2f s (%.2f ms/image)", decoded.count, decoded[0].width, decoded[0].height,
                     decodeSeconds, decodeSeconds * 1000 / Double(decoded.count)))

        let workspace = network.makeWorkspace(inputSide: side)
        _ = network.features(of: decoded[0], workspace: workspace)  // warm-up
        let latencyCount = min(decoded.count, 32)
        start = clock.now
        for image in decoded.prefix(latencyCount) { _ = network.features(of: image, workspace: workspace) }
        let latency = (clock.now - start).inSeconds / Double(latencyCount)
        print(String(format: "1 thread:  %.1f ms/image (%.1f images/s) at %d×%d input", latency * 1000, 1 / latency, side, side))

        let features = FactorMatrix(rows: decoded.count, columns: EfficientNetLite0.featureDimension)
        let shared = decoded
        let workers = max(1, threads)
        let next = Atomic<Int>(0)
        start = clock.now
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let workspace = network.makeWorkspace(inputSide: side)
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                if index >= shared.count { return }
                let values = network.features(of: shared[index], workspace: workspace)
                let row = features.row(index)
                for (k, value) in values.enumerated() { row[k] = value }
            }
        }
        let seconds = (clock.now - start).inSeconds
        let perImage = seconds / Double(decoded.count)
        print(String(format: "%d threads: %.1f ms/image (%.1f images/s); 28,806 thumbnails would take %.1f min",
                     workers, perImage * 1000, 1 / perImage, 28_806 * perImage / 60))

        if let featuresOut {
            let lines = decodedNames.enumerated().map { index, name in
                name + "\t" + features.rowArray(index).map { String($0) }.joined(separator: ",")
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: featuresOut))
        }
        guard items > 0 else { return }
        let corpus = FactorMatrix(rows: items, columns: EfficientNetLite0.featureDimension)
        var generator = SystemRandomNumberGenerator()
        for item in 0..<items {
            let source = features.row(item % decoded.count), target = corpus.row(item)
            for k in 0..<EfficientNetLite0.featureDimension { target[k] = source[k] * Float.random(in: 0.9...1.1, using: &generator) }
        }
        start = clock.now
        let lists = FactorSimilarity(neighbours: neighbours, threads: workers).similarItems(corpus)
        print(String(format: "top-%d cosine neighbours for %d items × %d dimensions: %.2f s (%d lists)", neighbours, items,
                     EfficientNetLite0.featureDimension, (clock.now - start).inSeconds, lists.count))
        guard pca > 0 else { return }
        start = clock.now
        let components = PrincipalComponents.fit(corpus, rows: Array(0..<items), dimensions: pca, threads: workers)
        let reduced = components.project(corpus, threads: workers)
        let fitted = clock.now
        let reducedLists = FactorSimilarity(neighbours: neighbours, threads: workers).similarItems(reduced)
        print(String(format: "PCA to %d dimensions: fit + project %.2f s, top-%d ranking %.2f s, total %.2f s (%d lists)",
                     pca, (fitted - start).inSeconds, neighbours, (clock.now - fitted).inSeconds, (clock.now - start).inSeconds,
                     reducedLists.count))
    }
}
