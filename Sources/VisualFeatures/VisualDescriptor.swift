import ConvolutionalNetwork
import ImageCodecs

/// Which image descriptor the `visual` algorithm uses. `name` keys the feature cache and is stored with the run, so
/// the page can say which one produced the carousel. `makeDescriber` is called once per worker thread: the CNN's
/// describer owns scratch buffers that must not be shared.
public struct VisualDescriptor: Sendable {
    public let name: String
    public let dimension: Int
    public let makeDescriber: @Sendable () -> (RGBImage) -> [Float]

    public init(name: String, dimension: Int, makeDescriber: @escaping @Sendable () -> (RGBImage) -> [Float]) {
        self.name = name
        self.dimension = dimension
        self.makeDescriber = makeDescriber
    }

    /// Colour layout and edge orientations: works with no weights installed.
    public static let classical = VisualDescriptor(name: "classical-colour-edges-v1", dimension: ClassicalDescriptor.dimension) {
        let descriptor = ClassicalDescriptor()
        return { descriptor.describe($0) }
    }

    /// The pooled 1280-d activation of ImageNet-pretrained EfficientNet-Lite0, input resized to `inputSide`.
    public static func efficientNetLite0(_ network: EfficientNetLite0, inputSide: Int = EfficientNetLite0.nativeInputSide) -> VisualDescriptor {
        VisualDescriptor(name: "efficientnet-lite0-imagenet-\(inputSide)px", dimension: EfficientNetLite0.featureDimension) {
            let workspace = network.makeWorkspace(inputSide: inputSide)
            return { network.features(of: $0, workspace: workspace) }
        }
    }
}
