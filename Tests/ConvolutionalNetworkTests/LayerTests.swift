import ConvolutionalNetwork
import Foundation
import SeededRandom
import Testing

/// Straightforward reference convolution (channels-last, TensorFlow "same" padding, groups 1 or per channel) that
/// the optimised kernels are checked against.
enum NaiveConvolution {
    /// `weights`: O × (I / groups) × k × k, PyTorch order.
    static func apply(_ input: [Float], _ shape: FeatureMapShape, weights: [Float], bias: [Float], outputChannels: Int,
                      kernel: Int, stride: Int, depthwise: Bool, clamp: Bool) -> (values: [Float], shape: FeatureMapShape) {
        let vertical = SamePadding(inputSize: shape.height, kernel: kernel, stride: stride)
        let horizontal = SamePadding(inputSize: shape.width, kernel: kernel, stride: stride)
        let outShape = FeatureMapShape(height: vertical.outputSize, width: horizontal.outputSize, channels: outputChannels)
        var output = [Float](repeating: 0, count: outShape.count)
        let inputsPerFilter = depthwise ? 1 : shape.channels
        for y in 0..<outShape.height {
            for x in 0..<outShape.width {
                for o in 0..<outputChannels {
                    var sum = Double(bias[o])
                    for i in 0..<inputsPerFilter {
                        let inputChannel = depthwise ? o : i
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let iy = y * stride - vertical.before + ky, ix = x * stride - horizontal.before + kx
                                guard iy >= 0, iy < shape.height, ix >= 0, ix < shape.width else { continue }
                                let w = weights[((o * inputsPerFilter + i) * kernel + ky) * kernel + kx]
                                sum += Double(w) * Double(input[(iy * shape.width + ix) * shape.channels + inputChannel])
                            }
                        }
                    }
                    var value = Float(sum)
                    if clamp { value = min(max(value, 0), 6) }
                    output[(y * outShape.width + x) * outputChannels + o] = value
                }
            }
        }
        return (output, outShape)
    }
}

func randomValues(_ count: Int, _ generator: inout SeededGenerator, scale: Float = 1) -> [Float] {
    (0..<count).map { _ in Float(generator.unit() * 2 - 1) * scale }
}

func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct LayerTests {
    func padding(_ input: Int, _ kernel: Int, _ stride: Int) -> (Int, Int) {
        let padding = SamePadding(inputSize: input, kernel: kernel, stride: stride)
        return (padding.outputSize, padding.before)
    }

    @Test func samePaddingPutsTheOddPixelAfter() {
        #expect(padding(224, 3, 2) == (112, 0))
        #expect(padding(112, 5, 2) == (56, 1))
        #expect(padding(7, 3, 1) == (7, 1))
        #expect(padding(15, 5, 2) == (8, 2))
    }

    @Test(arguments: [(13, 19, 24, false, true), (6, 32, 16, true, false), (31, 3, 40, true, true), (1, 8, 8, false, false)])
    func pointwiseMatchesTheReference(pixels: Int, inputs: Int, outputs: Int, clamp: Bool, residual: Bool) {
        var generator = SeededGenerator(seed: UInt64(pixels * 100 + inputs))
        let input = randomValues(pixels * inputs, &generator, scale: 3)
        let weights = randomValues(outputs * inputs, &generator), bias = randomValues(outputs, &generator)
        let shortcut = randomValues(pixels * outputs, &generator)
        let layer = PointwiseConvolution(weights: weights, bias: bias, inputChannels: inputs, outputChannels: outputs, clampsToSix: clamp)
        var output = [Float](repeating: .nan, count: pixels * outputs)
        input.withUnsafeBufferPointer { source in
            shortcut.withUnsafeBufferPointer { extra in
                output.withUnsafeMutableBufferPointer { target in
                    layer.apply(source.baseAddress!, pixels: pixels, output: target.baseAddress!, residual: residual ? extra.baseAddress! : nil)
                }
            }
        }
        var expected = NaiveConvolution.apply(input, FeatureMapShape(height: 1, width: pixels, channels: inputs), weights: weights,
                                              bias: bias, outputChannels: outputs, kernel: 1, stride: 1, depthwise: false, clamp: clamp).values
        if residual { expected = zip(expected, shortcut).map { $0 + $1 } }
        #expect(maximumDifference(output, expected) < 1e-4)
    }

    @Test(arguments: [(9, 11, 16, 5, 2), (7, 7, 24, 3, 1), (8, 8, 8, 3, 2), (4, 6, 32, 5, 1)])
    func depthwiseMatchesTheReference(height: Int, width: Int, channels: Int, kernel: Int, stride: Int) {
        var generator = SeededGenerator(seed: UInt64(height * width * kernel + stride))
        let shape = FeatureMapShape(height: height, width: width, channels: channels)
        let input = randomValues(shape.count, &generator, scale: 4)
        let weights = randomValues(channels * kernel * kernel, &generator), bias = randomValues(channels, &generator)
        let layer = DepthwiseConvolution(weights: weights, bias: bias, channels: channels, kernel: kernel, stride: stride)
        let outShape = layer.outputShape(for: shape)
        var output = [Float](repeating: .nan, count: outShape.count)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { layer.apply(source.baseAddress!, shape: shape, output: $0.baseAddress!) }
        }
        let expected = NaiveConvolution.apply(input, shape, weights: weights, bias: bias, outputChannels: channels,
                                              kernel: kernel, stride: stride, depthwise: true, clamp: true)
        #expect(outShape == expected.shape)
        #expect(maximumDifference(output, expected.values) < 1e-4)
        #expect(output.contains { $0 == 6 } || output.contains { $0 == 0 }, "ReLU6 clamps somewhere on these inputs")
    }

    @Test func patchConvolutionMatchesTheReference() {
        var generator = SeededGenerator(seed: 7)
        let shape = FeatureMapShape(height: 9, width: 10, channels: 3)
        let input = randomValues(shape.count, &generator, scale: 2)
        let weights = randomValues(32 * 3 * 9, &generator), bias = randomValues(32, &generator)
        let layer = PatchConvolution(weights: weights, bias: bias, inputChannels: 3, outputChannels: 32, kernel: 3, stride: 2, clampsToSix: true)
        let outShape = layer.outputShape(for: shape)
        var patches = [Float](repeating: 0, count: outShape.pixels * layer.patchLength)
        var output = [Float](repeating: .nan, count: outShape.count)
        input.withUnsafeBufferPointer { source in
            patches.withUnsafeMutableBufferPointer { scratch in
                output.withUnsafeMutableBufferPointer {
                    layer.apply(source.baseAddress!, shape: shape, patches: scratch.baseAddress!, output: $0.baseAddress!)
                }
            }
        }
        let expected = NaiveConvolution.apply(input, shape, weights: weights, bias: bias, outputChannels: 32, kernel: 3, stride: 2,
                                              depthwise: false, clamp: true)
        #expect(outShape == expected.shape)
        #expect(maximumDifference(output, expected.values) < 1e-4)
    }

    @Test func foldedBatchNormEqualsConvolutionThenNormalisation() {
        var generator = SeededGenerator(seed: 3)
        let weights = randomValues(4 * 5, &generator)
        let norm = BatchNormalization(scale: randomValues(4, &generator), shift: randomValues(4, &generator),
                                      mean: randomValues(4, &generator), variance: randomValues(4, &generator).map { abs($0) + 0.1 },
                                      epsilon: 1e-3)
        let input = randomValues(5, &generator)
        let folded = norm.fold(weights: weights)
        for channel in 0..<4 {
            let raw = (0..<5).reduce(Float(0)) { $0 + weights[channel * 5 + $1] * input[$1] }
            let normalised = norm.scale[channel] * (raw - norm.mean[channel]) / (norm.variance[channel] + 1e-3).squareRoot() + norm.shift[channel]
            let viaFolding = (0..<5).reduce(folded.bias[channel]) { $0 + folded.weights[channel * 5 + $1] * input[$1] }
            #expect(abs(normalised - viaFolding) < 1e-5)
        }
    }

    @Test func safetensorsRoundTripsAndRejectsTruncation() throws {
        let tensors = ["a.weight": StoredTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), "b": StoredTensor(shape: [1], values: [-0.5])]
        let bytes = SafetensorsFile.encode(tensors)
        #expect(try SafetensorsFile.parse(bytes, name: "t") == tensors)
        #expect(throws: NetworkWeightsError.self) { try SafetensorsFile.parse(Array(bytes.dropLast(4)), name: "t") }
        #expect(throws: NetworkWeightsError.self) { try SafetensorsFile.parse([1, 2, 3], name: "t") }
    }
}

