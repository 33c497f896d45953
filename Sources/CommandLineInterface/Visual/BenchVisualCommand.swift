import ArgumentParser
import Benchmarks
import Foundation

struct BenchVisualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-visual",
        abstract: "Measure thumbnail decoding, CNN feature extraction (ms per image, images per second) and all-items visual neighbour ranking.",
        discussion: """
            Decodes up to --count JPEG/PNG files from --images (one thread, then --threads threads), extracts \
            EfficientNet-Lite0 features one image at a time on one thread (latency), then on --threads threads \
            (throughput), and finally ranks top --neighbours by cosine for --items feature vectors (the extracted \
            ones, repeated with seeded noise to reach that count). --decode-only stops after decoding and needs no weights.
            """)

    @Option(help: "Folder of thumbnails (.jpg/.png).", transform: ArgumentCheck.nonEmpty) var images: String
    @Option(help: "Images to decode and extract, 1–10,000,000.", transform: ArgumentCheck.integer(1...10_000_000)) var count = 256
    @Option(help: "Worker threads for the throughput runs, 1–256.", transform: ArgumentCheck.integer(1...256))
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Side the network's input is resized to, 32–1024.", transform: ArgumentCheck.integer(32...1024)) var side = 224
    @Option(help: "Feature vectors to rank for the neighbour benchmark, 0–10,000,000 (0 skips it).",
            transform: ArgumentCheck.integer(0...10_000_000))
    var items = 28_806
    @Option(help: "Neighbours per item, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var neighbours = 20
    @Option(help: "Also rank after PCA to this many dimensions, 0–1280 (0 skips it).", transform: ArgumentCheck.integer(0...1280)) var pca = 256
    @Flag(help: "Only measure decoding.") var decodeOnly = false
    @Option(help: "Write each image's features as `name<TAB>v1,v2,…` to this file (for scripts/bench/cnn-peer.py --compare).",
            transform: ArgumentCheck.nonEmpty)
    var featuresOut: String?
    @Option(help: ArgumentHelp("Folder of installed weights.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."),
            transform: ArgumentCheck.nonEmpty)
    var weights: String?

    func run() throws {
        let folder = URL(fileURLWithPath: images)
        let decoded = try ThumbnailDecodeBenchmark(folder: folder, count: count, threads: threads).run { print($0) }
        if decodeOnly { return }
        let benchmark = VisualBenchmark(network: try loadNetwork(weights), side: side, threads: threads, items: items,
                                        neighbours: neighbours, principalComponents: pca,
                                        featuresOutput: featuresOut.map(URL.init(fileURLWithPath:)))
        try benchmark.run(decoded) { print($0) }
    }
}
