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

    @Option(help: ArgumentHelp("Folder of installed network weights.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."))
    var weights: String?

    @Option(help: "Reduce visual features to this many principal components before cosine ranking (default: keep all).")
    var visualPca: Int?

    @Option(help: "Side in pixels the CNN resizes thumbnails to (224 is the network's native size).")
    var visualInputSide = EfficientNetLite0.nativeInputSide

    func validate() throws {
        if let visualPca, visualPca < 1 { throw ValidationError("--visual-pca must be at least 1") }
        if visualInputSide < 32 { throw ValidationError("--visual-input-side must be at least 32") }
    }

    func resolve(log: (String) -> Void) throws -> VisualDescriptor {
        let installed = InstalledWeights.resolve(weights)
        switch visualDescriptor {
        case .classical:
            return .classical
        case .auto where !installed.isInstalled:
            log("visual: no CNN weights in \(installed.directory.path); using the classical descriptor (`recasketch weights install` to add them)")
            return .classical
        case .auto, .cnn:
            do {
                let network = try installed.load().network
                return .efficientNetLite0(network, inputSide: visualInputSide)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}
