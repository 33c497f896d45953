/// Feature maps are channels-last (height × width × channels, row-major), one image at a time: a 1×1 convolution is
/// then a plain matrix product and a depthwise convolution runs SIMD across contiguous channels.
public struct FeatureMapShape: Equatable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var count: Int { height * width * channels }
    public var pixels: Int { height * width }
    public var description: String { "\(height)×\(width)×\(channels)" }
}

/// TensorFlow's "same" padding, which these weights were trained with: the output has ⌈input / stride⌉ cells and
/// any odd padding goes after (bottom/right), unlike PyTorch's symmetric padding.
public struct SamePadding: Equatable, Sendable {
    public let outputSize: Int
    public let before: Int

    public init(inputSize: Int, kernel: Int, stride: Int) {
        outputSize = (inputSize + stride - 1) / stride
        before = max((outputSize - 1) * stride + kernel - inputSize, 0) / 2
    }
}

/// Folds inference-time batch normalisation, `γ (x − μ) / √(σ² + ε) + β`, into the preceding convolution: each
/// output channel's weights are scaled and the shift becomes a bias.
public struct BatchNormalization: Sendable {
    public var scale: [Float]
    public var shift: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var epsilon: Float

    public init(scale: [Float], shift: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(scale.count == shift.count && shift.count == mean.count && mean.count == variance.count)
        self.scale = scale
        self.shift = shift
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }

    /// `weights` holds `scale.count` rows (output channels) of equal length.
    public func fold(weights: [Float]) -> (weights: [Float], bias: [Float]) {
        let channels = scale.count
        precondition(weights.count % channels == 0)
        let perChannel = weights.count / channels
        var folded = weights
        var bias = [Float](repeating: 0, count: channels)
        for channel in 0..<channels {
            let factor = scale[channel] / (variance[channel] + epsilon).squareRoot()
            for index in (channel * perChannel)..<((channel + 1) * perChannel) { folded[index] *= factor }
            bias[channel] = shift[channel] - mean[channel] * factor
        }
        return (folded, bias)
    }
}

@inline(__always) private func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

/// min(max(v, 0), 6) with lane masks: the generic `clamped(lowerBound:upperBound:)` is not inlined and costs a
/// call per vector in the hottest loops.
@inline(__always) private func relu6(_ value: SIMD8<Float>) -> SIMD8<Float> {
    var result = value
    result.replace(with: 0, where: value .< 0)
    result.replace(with: 6, where: value .> 6)
    return result
}

@inline(__always) private func store8(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// A 1×1 convolution with folded batch norm: `output[p, n] = act(Σ_k input[p, k] · W[n, k] + bias[n]) (+ residual)`.
/// The weights are packed once into panels of 16 output channels (K × 16 contiguous floats, zero-padded), and a
/// 6-pixel × 16-channel register-blocked kernel walks them: 12 SIMD8 accumulators stay in AVX registers.
public struct PointwiseConvolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let clampsToSix: Bool
    static let panelWidth = 16
    static let rowBlock = 6
    private let packedWeights: [Float]
    private let paddedBias: [Float]

    /// `weights`: `outputChannels` rows of `inputChannels` values (PyTorch's O×I×1×1).
    public init(weights: [Float], bias: [Float], inputChannels: Int, outputChannels: Int, clampsToSix: Bool) {
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.clampsToSix = clampsToSix
        let panels = (outputChannels + Self.panelWidth - 1) / Self.panelWidth
        var packed = [Float](repeating: 0, count: panels * inputChannels * Self.panelWidth)
        for output in 0..<outputChannels {
            let panel = output / Self.panelWidth, lane = output % Self.panelWidth
            for input in 0..<inputChannels {
                packed[(panel * inputChannels + input) * Self.panelWidth + lane] = weights[output * inputChannels + input]
            }
        }
        packedWeights = packed
        paddedBias = bias + [Float](repeating: 0, count: panels * Self.panelWidth - outputChannels)
    }

    /// `input` holds `pixels` rows of `inputChannels`; `output` (and `residual`, if any) `pixels` rows of
    /// `outputChannels`, which must be a multiple of 8.
    public func apply(_ input: UnsafePointer<Float>, pixels: Int, output: UnsafeMutablePointer<Float>,
                      residual: UnsafePointer<Float>? = nil) {
        precondition(outputChannels % 8 == 0, "output channels must be a multiple of 8")
        let k = inputChannels, n = outputChannels
        let panels = (n + Self.panelWidth - 1) / Self.panelWidth
        packedWeights.withUnsafeBufferPointer { packedBuffer in
            paddedBias.withUnsafeBufferPointer { biasBuffer in
                let packed = packedBuffer.baseAddress!, bias = biasBuffer.baseAddress!
                var row = 0
                while row < pixels {
                    let rows = min(Self.rowBlock, pixels - row)
                    for panel in 0..<panels {
                        let weights = packed + panel * k * Self.panelWidth
                        let column = panel * Self.panelWidth
                        let wide = n - column >= Self.panelWidth
                        if rows == Self.rowBlock {
                            sixRows(input + row * k, weights, k: k, bias: bias + column, output: output + row * n + column,
                                    stride: n, wide: wide, residual: residual.map { $0 + row * n + column })
                        } else {
                            for single in row..<(row + rows) {
                                oneRow(input + single * k, weights, k: k, bias: bias + column,
                                       output: output + single * n + column, wide: wide,
                                       residual: residual.map { $0 + single * n + column })
                            }
                        }
                    }
                    row += rows
                }
            }
        }
    }

    @inline(__always)
    private func finish(_ value: SIMD8<Float>, _ residual: UnsafePointer<Float>?) -> SIMD8<Float> {
        var result = value
        if clampsToSix { result = relu6(result) }
        if let residual { result += load8(residual) }
        return result
    }

    @inline(__always)
    private func sixRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int, bias: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>, stride: Int, wide: Bool, residual: UnsafePointer<Float>?) {
        let bias0 = load8(bias), bias1 = load8(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        let a0 = a, a1 = a + k, a2 = a + 2 * k, a3 = a + 3 * k, a4 = a + 4 * k, a5 = a + 5 * k
        for index in 0..<k {
            let b0 = load8(b + index * 16), b1 = load8(b + index * 16 + 8)
            var x = SIMD8<Float>(repeating: a0[index])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = SIMD8(repeating: a1[index]); c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = SIMD8(repeating: a2[index]); c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = SIMD8(repeating: a3[index]); c30.addProduct(x, b0); c31.addProduct(x, b1)
            x = SIMD8(repeating: a4[index]); c40.addProduct(x, b0); c41.addProduct(x, b1)
            x = SIMD8(repeating: a5[index]); c50.addProduct(x, b0); c51.addProduct(x, b1)
        }
        storeRow(c00, c01, output, wide: wide, residual: residual)
        storeRow(c10, c11, output + stride, wide: wide, residual: residual.map { $0 + stride })
        storeRow(c20, c21, output + 2 * stride, wide: wide, residual: residual.map { $0 + 2 * stride })
        storeRow(c30, c31, output + 3 * stride, wide: wide, residual: residual.map { $0 + 3 * stride })
        storeRow(c40, c41, output + 4 * stride, wide: wide, residual: residual.map { $0 + 4 * stride })
        storeRow(c50, c51, output + 5 * stride, wide: wide, residual: residual.map { $0 + 5 * stride })
    }

    @inline(__always)
    private func storeRow(_ low: SIMD8<Float>, _ high: SIMD8<Float>, _ target: UnsafeMutablePointer<Float>, wide: Bool,
                          residual: UnsafePointer<Float>?) {
        store8(finish(low, residual), target)
        if wide { store8(finish(high, residual.map { $0 + 8 }), target + 8) }
    }

    @inline(__always)
    private func oneRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int, bias: UnsafePointer<Float>,
                        output: UnsafeMutablePointer<Float>, wide: Bool, residual: UnsafePointer<Float>?) {
        var c0 = load8(bias), c1 = load8(bias + 8)
        for index in 0..<k {
            let x = SIMD8<Float>(repeating: a[index])
            c0.addProduct(x, load8(b + index * 16)); c1.addProduct(x, load8(b + index * 16 + 8))
        }
        storeRow(c0, c1, output, wide: wide, residual: residual)
    }
}

/// A depthwise k×k convolution (one filter per channel) with folded batch norm and ReLU6, TensorFlow "same"
/// padding, stride 1 or 2. Each output pixel starts from the bias and accumulates one tap at a time across all
/// channels, so the loads are contiguous and the pixel's row of accumulators stays in L1.
public struct DepthwiseConvolution: Sendable {
    public let channels: Int
    public let kernel: Int
    public let stride: Int
    private let tapWeights: [Float]   // kernel × kernel × channels
    private let bias: [Float]

    /// `weights`: PyTorch's C×1×k×k.
    public init(weights: [Float], bias: [Float], channels: Int, kernel: Int, stride: Int) {
        precondition(weights.count == channels * kernel * kernel && bias.count == channels && channels % 8 == 0)
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        var taps = [Float](repeating: 0, count: weights.count)
        for channel in 0..<channels {
            for tap in 0..<(kernel * kernel) { taps[tap * channels + channel] = weights[channel * kernel * kernel + tap] }
        }
        tapWeights = taps
        self.bias = bias
    }

    public func outputShape(for input: FeatureMapShape) -> FeatureMapShape {
        FeatureMapShape(height: SamePadding(inputSize: input.height, kernel: kernel, stride: stride).outputSize,
                        width: SamePadding(inputSize: input.width, kernel: kernel, stride: stride).outputSize,
                        channels: channels)
    }

    public func apply(_ input: UnsafePointer<Float>, shape: FeatureMapShape, output: UnsafeMutablePointer<Float>) {
        precondition(shape.channels == channels)
        let vertical = SamePadding(inputSize: shape.height, kernel: kernel, stride: stride)
        let horizontal = SamePadding(inputSize: shape.width, kernel: kernel, stride: stride)
        let c = channels
        tapWeights.withUnsafeBufferPointer { tapBuffer in
            bias.withUnsafeBufferPointer { biasBuffer in
                let taps = tapBuffer.baseAddress!, biases = biasBuffer.baseAddress!
                for outY in 0..<vertical.outputSize {
                    let top = outY * stride - vertical.before
                    let firstRow = max(0, -top), lastRow = min(kernel, shape.height - top)
                    for outX in 0..<horizontal.outputSize {
                        let left = outX * stride - horizontal.before
                        let firstColumn = max(0, -left), lastColumn = min(kernel, shape.width - left)
                        let target = output + (outY * horizontal.outputSize + outX) * c
                        // 32 channels at a time in four registers, all taps accumulated before one store: no
                        // round trip through memory per tap.
                        var channel = 0
                        while channel + 32 <= c {
                            var a0 = load8(biases + channel), a1 = load8(biases + channel + 8)
                            var a2 = load8(biases + channel + 16), a3 = load8(biases + channel + 24)
                            for tapY in firstRow..<lastRow {
                                let rowSource = input + ((top + tapY) * shape.width + left) * c + channel
                                let rowWeights = taps + tapY * kernel * c + channel
                                for tapX in firstColumn..<lastColumn {
                                    let source = rowSource + tapX * c, weights = rowWeights + tapX * c
                                    a0.addProduct(load8(source), load8(weights))
                                    a1.addProduct(load8(source + 8), load8(weights + 8))
                                    a2.addProduct(load8(source + 16), load8(weights + 16))
                                    a3.addProduct(load8(source + 24), load8(weights + 24))
                                }
                            }
                            store8(relu6(a0), target + channel)
                            store8(relu6(a1), target + channel + 8)
                            store8(relu6(a2), target + channel + 16)
                            store8(relu6(a3), target + channel + 24)
                            channel += 32
                        }
                        while channel < c {
                            var a0 = load8(biases + channel)
                            for tapY in firstRow..<lastRow {
                                for tapX in firstColumn..<lastColumn {
                                    a0.addProduct(load8(input + ((top + tapY) * shape.width + left + tapX) * c + channel),
                                                  load8(taps + (tapY * kernel + tapX) * c + channel))
                                }
                            }
                            store8(relu6(a0), target + channel)
                            channel += 8
                        }
                    }
                }
            }
        }
    }
}

/// A full k×k convolution (the network's stem: 3 input channels), as im2col into patches of k·k·C values, TensorFlow
/// "same" padding with zeros, then the same blocked matrix product as a 1×1 convolution.
public struct PatchConvolution: Sendable {
    public let inputChannels: Int
    public let kernel: Int
    public let stride: Int
    private let product: PointwiseConvolution

    /// `weights`: PyTorch's O×I×k×k.
    public init(weights: [Float], bias: [Float], inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int,
                clampsToSix: Bool) {
        self.inputChannels = inputChannels
        self.kernel = kernel
        self.stride = stride
        // Reorder each filter from I×k×k to k×k×I, the order patches are gathered in.
        var reordered = [Float](repeating: 0, count: weights.count)
        let patch = kernel * kernel * inputChannels
        for output in 0..<outputChannels {
            for input in 0..<inputChannels {
                for tap in 0..<(kernel * kernel) {
                    reordered[output * patch + tap * inputChannels + input] =
                        weights[(output * inputChannels + input) * kernel * kernel + tap]
                }
            }
        }
        product = PointwiseConvolution(weights: reordered, bias: bias, inputChannels: patch,
                                       outputChannels: outputChannels, clampsToSix: clampsToSix)
    }

    public var outputChannels: Int { product.outputChannels }
    public var patchLength: Int { kernel * kernel * inputChannels }

    public func outputShape(for input: FeatureMapShape) -> FeatureMapShape {
        FeatureMapShape(height: SamePadding(inputSize: input.height, kernel: kernel, stride: stride).outputSize,
                        width: SamePadding(inputSize: input.width, kernel: kernel, stride: stride).outputSize,
                        channels: outputChannels)
    }

    /// `patches` is scratch space of `outputShape.pixels × patchLength` floats.
    public func apply(_ input: UnsafePointer<Float>, shape: FeatureMapShape, patches: UnsafeMutablePointer<Float>,
                      output: UnsafeMutablePointer<Float>) {
        precondition(shape.channels == inputChannels)
        let vertical = SamePadding(inputSize: shape.height, kernel: kernel, stride: stride)
        let horizontal = SamePadding(inputSize: shape.width, kernel: kernel, stride: stride)
        let length = patchLength
        for outY in 0..<vertical.outputSize {
            for outX in 0..<horizontal.outputSize {
                let patch = patches + (outY * horizontal.outputSize + outX) * length
                for tapY in 0..<kernel {
                    let y = outY * stride - vertical.before + tapY
                    for tapX in 0..<kernel {
                        let x = outX * stride - horizontal.before + tapX
                        let target = patch + (tapY * kernel + tapX) * inputChannels
                        if y >= 0, y < shape.height, x >= 0, x < shape.width {
                            let source = input + (y * shape.width + x) * inputChannels
                            for channel in 0..<inputChannels { target[channel] = source[channel] }
                        } else {
                            for channel in 0..<inputChannels { target[channel] = 0 }
                        }
                    }
                }
            }
        }
        product.apply(patches, pixels: vertical.outputSize * horizontal.outputSize, output: output)
    }
}
