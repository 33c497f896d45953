import ConvolutionalNetwork
import Foundation
import ImageCodecs
import NetworkWeights
import SeededRandom
import Testing

/// A full-size EfficientNet-Lite0 with random weights, checked end to end against the naive layers composed by hand
/// (shortcuts, strides, padding, pooling), plus the real pretrained weights on real photographs when installed.
@Suite struct NetworkTests {
    static func randomTensors(seed: UInt64) -> [String: StoredTensor] {
        var generator = SeededGenerator(seed: seed)
        var tensors: [String: StoredTensor] = [:]
        func conv(_ name: String, _ shape: [Int]) {
            let fanIn = shape.dropFirst().reduce(1, *)
            tensors[name] = StoredTensor(shape: shape, values: randomValues(shape.reduce(1, *), &generator, scale: 1.7 / Float(fanIn).squareRoot()))
        }
        func norm(_ prefix: String, _ channels: Int) {
            tensors[prefix + ".weight"] = StoredTensor(shape: [channels], values: randomValues(channels, &generator).map { 0.8 + 0.2 * $0 })
            tensors[prefix + ".bias"] = StoredTensor(shape: [channels], values: randomValues(channels, &generator, scale: 0.1))
            tensors[prefix + ".running_mean"] = StoredTensor(shape: [channels], values: randomValues(channels, &generator, scale: 0.1))
            tensors[prefix + ".running_var"] = StoredTensor(shape: [channels], values: randomValues(channels, &generator).map { 1 + 0.5 * $0 })
        }
        conv("_conv_stem.weight", [32, 3, 3, 3]); norm("_bn0", 32)
        for (index, block) in EfficientNetLite0.blockConfigurations.enumerated() {
            let prefix = "_blocks.\(index)."
            if block.expansion != 1 {
                conv(prefix + "_expand_conv.weight", [block.expandedChannels, block.inputChannels, 1, 1]); norm(prefix + "_bn0", block.expandedChannels)
            }
            conv(prefix + "_depthwise_conv.weight", [block.expandedChannels, 1, block.kernel, block.kernel]); norm(prefix + "_bn1", block.expandedChannels)
            conv(prefix + "_project_conv.weight", [block.outputChannels, block.expandedChannels, 1, 1]); norm(prefix + "_bn2", block.outputChannels)
        }
        conv("_conv_head.weight", [1280, 320, 1, 1]); norm("_bn1", 1280)
        conv("_fc.weight", [1000, 1280])
        tensors["_fc.bias"] = StoredTensor(shape: [1000], values: randomValues(1000, &generator, scale: 0.1))
        return tensors
    }

    static func naiveFeatures(_ tensors: [String: StoredTensor], input: [Float], side: Int) -> [Float] {
        func folded(_ name: String, _ prefix: String) -> ([Float], [Float]) {
            return BatchNormalization(scale: tensors[prefix + ".weight"]!.values, shift: tensors[prefix + ".bias"]!.values,
                                      mean: tensors[prefix + ".running_mean"]!.values, variance: tensors[prefix + ".running_var"]!.values,
                                      epsilon: 1e-3).fold(weights: tensors[name]!.values)
        }
        var (weights, bias) = folded("_conv_stem.weight", "_bn0")
        var (x, shape) = NaiveConvolution.apply(input, FeatureMapShape(height: side, width: side, channels: 3), weights: weights, bias: bias,
                                                outputChannels: 32, kernel: 3, stride: 2, depthwise: false, clamp: true)
        for (index, block) in EfficientNetLite0.blockConfigurations.enumerated() {
            let prefix = "_blocks.\(index)."
            let blockInput = x
            if block.expansion != 1 {
                (weights, bias) = folded(prefix + "_expand_conv.weight", prefix + "_bn0")
                (x, shape) = NaiveConvolution.apply(x, shape, weights: weights, bias: bias, outputChannels: block.expandedChannels,
                                                    kernel: 1, stride: 1, depthwise: false, clamp: true)
            }
            (weights, bias) = folded(prefix + "_depthwise_conv.weight", prefix + "_bn1")
            (x, shape) = NaiveConvolution.apply(x, shape, weights: weights, bias: bias, outputChannels: block.expandedChannels,
                                                kernel: block.kernel, stride: block.stride, depthwise: true, clamp: true)
            (weights, bias) = folded(prefix + "_project_conv.weight", prefix + "_bn2")
            (x, shape) = NaiveConvolution.apply(x, shape, weights: weights, bias: bias, outputChannels: block.outputChannels,
                                                kernel: 1, stride: 1, depthwise: false, clamp: false)
            if block.hasShortcut { x = zip(x, blockInput).map { $0 + $1 } }
        }
        (weights, bias) = folded("_conv_head.weight", "_bn1")
        (x, shape) = NaiveConvolution.apply(x, shape, weights: weights, bias: bias, outputChannels: 1280, kernel: 1, stride: 1,
                                            depthwise: false, clamp: true)
        return (0..<1280).map { channel in (0..<shape.pixels).reduce(Float(0)) { $0 + x[$1 * 1280 + channel] } / Float(shape.pixels) }
    }

    @Test func wholeNetworkMatchesNaiveLayersComposedByHand() throws {
        let tensors = Self.randomTensors(seed: 11)
        let network = try EfficientNetLite0(tensors: tensors)
        let side = 37  // odd, so every stride-2 layer pads unevenly
        var generator = SeededGenerator(seed: 5)
        let input = randomValues(side * side * 3, &generator, scale: 2)
        let workspace = network.makeWorkspace(inputSide: side)
        let fast = input.withUnsafeBufferPointer { network.features(ofNormalizedInput: $0.baseAddress!, workspace: workspace) }
        let reference = Self.naiveFeatures(tensors, input: input, side: side)
        let scale = reference.map(abs).max() ?? 1
        #expect(scale > 0.01, "the random network's features are not all zero")
        #expect(maximumDifference(fast, reference) < 1e-3 * max(1, scale))
        // A second image through the same workspace gives the same answer as a fresh workspace.
        let again = input.withUnsafeBufferPointer { network.features(ofNormalizedInput: $0.baseAddress!, workspace: workspace) }
        #expect(again == fast)
    }

    @Test func missingOrMisshapenTensorsAreNamed() {
        var tensors = Self.randomTensors(seed: 1)
        tensors["_blocks.3._depthwise_conv.weight"] = StoredTensor(shape: [144, 1, 3, 3], values: [Float](repeating: 0, count: 144 * 9))
        #expect { try EfficientNetLite0(tensors: tensors) } throws: { "\($0)".contains("_blocks.3._depthwise_conv.weight") }
        #expect { try EfficientNetLite0(tensors: Self.randomTensors(seed: 1).filter { $0.key != "_fc.bias" }) } throws: { "\($0)".contains("_fc.bias") }
    }

    static let installed = InstalledWeights.resolve(nil)
    static var samples: URL { installed.directory.appendingPathComponent("samples") }
    static var hasRealWeights: Bool {
        installed.isInstalled && FileManager.default.fileExists(atPath: samples.appendingPathComponent("chelsea.png").path)
    }

    /// scikit-image's sample photographs (installed by `recasketch weights install --samples`): the cat, the espresso
    /// and the rocket must come out as such with the real pretrained weights.
    @Test(.enabled(if: hasRealWeights, "needs `recasketch weights install --samples $RECASKETCH_WEIGHTS/samples`"),
          arguments: [("chelsea.png", [281, 282, 285]), ("coffee.png", [967, 968]), ("rocket.jpg", [657, 744])])
    func pretrainedWeightsRecogniseRealPhotographs(file: String, acceptable: [Int]) throws {
        let (network, labels) = try Self.installed.load()
        let image = try ImageFile.decode([UInt8](Data(contentsOf: Self.samples.appendingPathComponent(file))))
        let features = network.features(of: image, workspace: network.makeWorkspace())
        let top = labels.top(2, of: network.classProbabilities(features: features))
        #expect(acceptable.contains(top[0].index), "\(file): top classes \(top)")
        #expect(top[0].probability > 0.2)
    }

    @Test func tamperedWeightsAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(SafetensorsFile.encode(["x": StoredTensor(shape: [1], values: [1])])).write(to: folder.appendingPathComponent("w.safetensors"))
        try Data("{}".utf8).write(to: folder.appendingPathComponent("labels.json"))
        let manifest = #"{"network": "efficientnet-lite0", "weights": {"file": "w.safetensors", "sha256": "00"}, "labels": {"file": "labels.json", "sha256": "00"}}"#
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("weights.json"))
        #expect { try InstalledWeights(directory: folder).load() } throws: { "\($0)".contains("SHA-256") }
        #expect { try InstalledWeights(directory: folder.appendingPathComponent("absent")).load() } throws: { "\($0)".contains("weights install") }
    }
}
