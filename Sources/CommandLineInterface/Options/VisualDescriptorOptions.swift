import ArgumentParser
import ConvolutionalNetwork
import NetworkWeights
import VisualFeatures

/// `--visual-descriptor`, `--weights`, `--visual-pca` and `--visual-input-side`, shared by `train` and `demo`.
struct VisualDescriptorOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case auto, cnn, classical
    }

    @Option(help: ArgumentHelp("Image descriptor for the visual algorithm: cnn (EfficientNet-Lite0), classical (colour layout + edge orientations), or auto.",
                               discussion: "auto uses the CNN when weights are installed (see `recasketch weights install`), else classical."))
    var visualDescriptor: Choice = .auto

    @Option(help: ArgumentHelp("Folder of installed network weights.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."),
            transform: ArgumentCheck.nonEmpty)
    var weights: String?

    @Option(help: "Reduce visual features to this many principal components before cosine ranking, 1–4096 (default: keep all).",
            transform: ArgumentCheck.integer(1...4096))
    var visualPca: Int?

    @Option(help: "Side in pixels the CNN resizes thumbnails to, 32–1024 (224 is the network's native size).",
            transform: ArgumentCheck.integer(32...1024))
    var visualInputSide = EfficientNetLite0.nativeInputSide

    func resolve(log: (String) -> Void) throws -> VisualDescriptor {
        let installed = InstalledWeights.resolve(weights)
        switch visualDescriptor {
        case .classical:
            return .classical
        case .auto where !installed.isInstalled:
            log("visual: no CNN weights in \(installed.directory.path); using the classical descriptor (`recasketch weights install` to add them)")
            return .classical
        case .auto, .cnn:
            return .efficientNetLite0(try loadNetwork(weights), inputSide: visualInputSide)
        }
    }
}

/// Loads the installed CNN, or fails with a line that says where it looked and how to install it.
func loadNetwork(_ weights: String?) throws -> EfficientNetLite0 {
    try loadWeights(weights).network
}

func loadWeights(_ weights: String?) throws -> (network: EfficientNetLite0, labels: ImageNetLabels) {
    let installed = InstalledWeights.resolve(weights)
    do { return try installed.load() } catch {
        let reason = "\(error)"
        let advice = reason.contains("weights install") ? "" : " — run `recasketch weights install` to install them again"
        throw CommandFailure("cannot load the CNN weights from \(installed.directory.path): \(reason)\(advice)")
    }
}
