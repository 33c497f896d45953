// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The numerical targets are compiled for Haswell-class CPUs (AVX2 + FMA: every x86 server of the last decade) so their
/// SIMD8<Float> loops become single AVX instructions. RECASKETCH_PORTABLE=1 builds for the x86-64 baseline.
var numericSettings: [SwiftSetting] = []
#if arch(x86_64)
if ProcessInfo.processInfo.environment["RECASKETCH_PORTABLE"] == nil {
    numericSettings = [.unsafeFlags(["-target-cpu", "haswell"])]
}
#endif

let package = Package(
    name: "RecASketch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recasketch", targets: ["recasketch"]),
        .executable(name: "fake-sketchfab", targets: ["fake-sketchfab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C: libjpeg's classic API with an error manager that long-jumps back inside C (libjpeg62-turbo-dev's
        // jpeglib.h, on every Debian machine with libjpeg-dev), and libpng's simplified API through pkg-config.
        .target(name: "CJPEGCodec", linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        // zlib's deflate, for the gzip copies of the model pages nginx sends (zlib1g-dev, beside libpng's).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Leaf libraries: no database, no web, no network.
        .target(name: "AlgorithmIdentity"),
        .target(name: "ParallelWork"),
        .target(name: "ElapsedTime"),
        .target(name: "SeededRandom"),
        .target(name: "CatalogFiles"),
        .target(name: "ImageCodecs", dependencies: ["CJPEGCodec", "CLibPNG"]),
        .target(name: "ConvolutionalNetwork", dependencies: ["ImageCodecs"], swiftSettings: numericSettings),
        .target(name: "VisualFeatures", dependencies: ["ImageCodecs", "ConvolutionalNetwork"], swiftSettings: numericSettings),
        .target(name: "Recommenders", dependencies: ["ElapsedTime", "ParallelWork", "SeededRandom"], swiftSettings: numericSettings),
        .target(name: "DemoCatalog", dependencies: ["CatalogFiles", "ImageCodecs", "ParallelWork", "SeededRandom"]),
        // The CNN's weights, fetched and checked (swift-crypto's SHA-256).
        .target(name: "NetworkWeights", dependencies: [
            "ConvolutionalNetwork", .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources/install_weights.py")]),
        // Spark MLlib's ALS run through spark-submit, as a training engine and a peer.
        .target(name: "SparkEngine", dependencies: ["Recommenders"], resources: [.copy("Resources")]),

        // Storage: the SQLite catalogue (GRDB), its migrations, writes and the one read of a publication.
        .target(name: "CatalogStore", dependencies: [
            "CatalogFiles", "ElapsedTime",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // The pipeline's stages, each over the store.
        .target(name: "SketchfabAPI", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "Crawler", dependencies: [
            "SketchfabAPI", "CatalogFiles", "CatalogStore", "ElapsedTime", "ImageCodecs",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "CatalogImport", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "CatalogStore", "ElapsedTime", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Training", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "CatalogStore", "ElapsedTime", "Evaluation", "ImageCodecs", "ParallelWork",
            "Recommenders", "SparkEngine", "VisualFeatures",
        ]),
        .target(name: "Evaluation", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "CatalogStore", "ElapsedTime", "ParallelWork", "Recommenders", "SeededRandom", "SparkEngine",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: numericSettings),
        .target(name: "DemoPipeline", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "CatalogImport", "CatalogStore", "DemoCatalog", "ElapsedTime", "Evaluation", "Training",
            "VisualFeatures",
        ]),
        // The `bench-*` subcommands' loops and reports: part of the product, so a user measures the binary they run.
        .target(name: "Benchmarks", dependencies: [
            "CatalogStore", "ConvolutionalNetwork", "ElapsedTime", "ImageCodecs", "ParallelWork", "Recommenders", "SeededRandom",
        ], swiftSettings: numericSettings),

        // Serving: the in-memory snapshot a server answers from (no web dependency), the website over it (pages,
        // API, middleware, model pages as files, reloads), and `serve` wiring it with metrics and background jobs.
        .target(name: "CatalogSnapshot", dependencies: ["AlgorithmIdentity", "CatalogStore", "Recommenders"]),
        // What visitors click, counted: the events the page's script sends, their checks against a page's lists,
        // the counts per day and the online report (no web, no database); the multileaving the script also does.
        .target(name: "OnlineEvaluation", dependencies: ["AlgorithmIdentity"]),
        // Models outside the catalogue, read live from Sketchfab: the reader, the catalogue's image features in
        // memory, and the directory that keeps, coalesces and limits the reads.
        .target(name: "LiveModels", dependencies: [
            "CatalogStore", "ElapsedTime", "ImageCodecs", "ParallelWork", "Recommenders", "SketchfabAPI", "VisualFeatures",
        ], swiftSettings: numericSettings),
        .target(name: "Website", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "CatalogSnapshot", "CatalogStore", "CZlib", "LiveModels", "OnlineEvaluation", "ParallelWork",
            "SketchfabAPI", "VisualFeatures",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], resources: [.copy("Templates"), .copy("Static")],
        // Pages are byte copies into a buffer passed inout; the runtime's exclusivity checks were a visible share of
        // a page's cost and guard nothing the compiler does not already check statically here.
        swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "Serving", dependencies: [
            "CatalogStore", "Crawler", "SketchfabAPI", "Website",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // `simulate-visitors`: simulated visitors on the demo catalogue against a running site, through the events API.
        .target(name: "VisitorSimulation", dependencies: [
            "AlgorithmIdentity", "CatalogFiles", "ElapsedTime", "OnlineEvaluation", "SeededRandom",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // The subcommands: each parses its flags and calls one library function.
        .target(name: "CommandLineInterface", dependencies: [
            "AlgorithmIdentity", "Benchmarks", "CatalogFiles", "CatalogImport", "CatalogStore", "ConvolutionalNetwork", "Crawler",
            "DemoCatalog", "DemoPipeline", "ElapsedTime", "Evaluation", "ImageCodecs", "LiveModels", "NetworkWeights", "Recommenders",
            "Serving", "SketchfabAPI", "SparkEngine", "Training", "VisitorSimulation", "VisualFeatures", "Website",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The product binary: `@main` and nothing else.
        .executableTarget(name: "recasketch", dependencies: ["CommandLineInterface"]),

        // Development tools and test doubles, never linked into `recasketch`.
        .target(name: "FakeSketchfab", dependencies: [
            "ImageCodecs", "SeededRandom", .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "fake-sketchfab", dependencies: [
            "FakeSketchfab",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),

        .target(name: "TestSupport", dependencies: ["CatalogFiles", "CatalogStore"],
                path: "Tests/TestSupport"),
        .testTarget(name: "AlgorithmIdentityTests", dependencies: ["AlgorithmIdentity"]),
        .testTarget(name: "ParallelWorkTests", dependencies: ["ParallelWork"]),
        .testTarget(name: "ElapsedTimeTests", dependencies: ["ElapsedTime"]),
        .testTarget(name: "CatalogFilesTests", dependencies: ["CatalogFiles"]),
        .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs"]),
        .testTarget(name: "VisualFeaturesTests", dependencies: ["VisualFeatures", "ImageCodecs"]),
        .testTarget(name: "ConvolutionalNetworkTests", dependencies: ["ConvolutionalNetwork", "NetworkWeights", "ImageCodecs", "SeededRandom"],
                    swiftSettings: numericSettings),
        .testTarget(name: "RecommendersTests", dependencies: ["Recommenders", "SeededRandom"]),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "AlgorithmIdentity", "Evaluation", "Recommenders", "CatalogFiles", "CatalogStore", "SeededRandom",
                                                         .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DemoCatalogTests", dependencies: ["TestSupport", "DemoCatalog", "CatalogFiles", "ImageCodecs"]),
        .testTarget(name: "CatalogStoreTests", dependencies: ["TestSupport", "CatalogStore", "CatalogFiles"]),
        .testTarget(name: "CatalogSnapshotTests", dependencies: ["TestSupport", "AlgorithmIdentity", "CatalogSnapshot", "CatalogStore", "CatalogFiles"]),
        .testTarget(name: "CatalogImportTests", dependencies: ["TestSupport", "AlgorithmIdentity", "CatalogImport", "CatalogStore", "CatalogFiles"]),
        .testTarget(name: "TrainingTests", dependencies: ["TestSupport", "AlgorithmIdentity", "Training", "SparkEngine", "CatalogStore", "CatalogFiles", "Recommenders", "ImageCodecs", "SeededRandom", "VisualFeatures"]),
        .testTarget(name: "CrawlerTests", dependencies: ["TestSupport", "Crawler", "SketchfabAPI", "FakeSketchfab", "CatalogFiles",
                                                      "CatalogStore", "CatalogImport", "ImageCodecs",
                                                      .product(name: "Hummingbird", package: "hummingbird"),
                                                      .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                      .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                      .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "WebsiteTests", dependencies: ["TestSupport",
            "AlgorithmIdentity", "Website", "CatalogSnapshot", "CatalogStore", "CatalogFiles", "OnlineEvaluation",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .testTarget(name: "ServingTests", dependencies: ["TestSupport",
            "Serving", "Website", "CatalogStore", "CatalogFiles",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "LiveModelsTests", dependencies: ["TestSupport",
            "LiveModels", "Website", "FakeSketchfab", "SketchfabAPI", "CatalogStore", "CatalogFiles", "ImageCodecs", "VisualFeatures",
            "AlgorithmIdentity",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "OnlineEvaluationTests", dependencies: ["OnlineEvaluation", "AlgorithmIdentity", "SeededRandom"]),
        .testTarget(name: "VisitorSimulationTests", dependencies: ["TestSupport",
            "VisitorSimulation", "OnlineEvaluation", "Website", "CatalogStore", "CatalogFiles", "AlgorithmIdentity",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "CommandLineInterfaceTests", dependencies: [
            "TestSupport", "CommandLineInterface", "CatalogStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
