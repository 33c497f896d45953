import Foundation
import SeededRandom
import ParallelWork

/// A LightFM-style hybrid factorisation model trained by learning to rank: an item is the weighted sum of the
/// embeddings (and biases) of its features, a user is their own embedding and bias, and a score is their dot
/// product plus biases. Losses: BPR, and WARP (sample negatives until one violates the margin; the number of
/// samples needed estimates the positive's rank, and the update is scaled by log of that estimate).
public struct HybridTraining: Sendable {
    public enum Loss: String, Sendable, CaseIterable { case warp, bpr }
    public enum Schedule: String, Sendable, CaseIterable { case adagrad, adadelta }

    public var loss: Loss
    public var factors: Int
    public var learningRate: Float
    public var schedule: Schedule
    /// L2 penalties on user and item-feature embeddings (and biases), per update.
    public var userAlpha: Float
    public var itemAlpha: Float
    public var epochs: Int
    /// WARP: negatives sampled per positive before giving up.
    public var maxSampled: Int
    public var rho: Float
    public var epsilon: Float
    public var seed: UInt64
    /// 1 trains deterministically for a seed; more run lock-free (Hogwild) over shared parameters.
    public var threads: Int

    public init(loss: Loss = .warp, factors: Int = 64, learningRate: Float = 0.05, schedule: Schedule = .adagrad,
                userAlpha: Float = 1e-6, itemAlpha: Float = 1e-6, epochs: Int = 30, maxSampled: Int = 10,
                rho: Float = 0.95, epsilon: Float = 1e-6, seed: UInt64 = 42, threads: Int = 2) {
        self.loss = loss
        self.factors = factors
        self.learningRate = learningRate
        self.schedule = schedule
        self.userAlpha = userAlpha
        self.itemAlpha = itemAlpha
        self.epochs = epochs
        self.maxSampled = maxSampled
        self.rho = rho
        self.epsilon = epsilon
        self.seed = seed
        self.threads = max(1, threads)
    }

    public var parameters: [String: String] {
        ["loss": loss.rawValue, "factors": String(factors), "learning_rate": String(learningRate),
         "schedule": schedule.rawValue, "user_alpha": String(userAlpha), "item_alpha": String(itemAlpha),
         "epochs": String(epochs), "max_sampled": String(maxSampled), "seed": String(seed), "threads": String(threads)]
    }

    /// Trains on the positive interactions of `interactions`; `afterEpoch(epoch, model)` runs after each epoch
    /// and may stop training early by returning false.
    public func fit(_ interactions: InteractionMatrix, items: ItemFeatures,
                    afterEpoch: (Int, HybridModel) -> Bool = { _, _ in true }) -> HybridModel {
        precondition(items.itemCount == interactions.itemCount, "item features must cover every item")
        let model = HybridModel(users: interactions.userCount, features: items, factors: factors, seed: seed)
        let pairs = interactions.interactionCount
        var order = [Int32](unsafeUninitializedCapacity: pairs) { buffer, count in
            for index in 0..<pairs { buffer[index] = Int32(index) }
            count = pairs
        }
        // Each interaction's user, for walking the shuffled CSR positions.
        var owner = [Int32](repeating: 0, count: pairs)
        for user in 0..<interactions.userCount {
            for index in interactions.userOffsets[user]..<interactions.userOffsets[user + 1] { owner[index] = Int32(user) }
        }
        var shuffler = SeededGenerator(seed: seed, stream: 1000)
        for epoch in 1...max(1, epochs) {
            for index in stride(from: pairs - 1, to: 0, by: -1) { order.swapAt(index, shuffler.below(index + 1)) }
            let workers = threads
            order.withUnsafeBufferPointer { order in
                owner.withUnsafeBufferPointer { owner in
                    interactions.userOffsets.withUnsafeBufferPointer { userOffsets in
                        interactions.userItems.withUnsafeBufferPointer { userItems in
                            nonisolated(unsafe) let order = order, owner = owner
                            nonisolated(unsafe) let positives = Positives(offsets: userOffsets, items: userItems,
                                                                          itemCount: interactions.itemCount)
                            // Each worker's share and random stream depend on its number alone: the same seed
                            // gives the same model.
                            Parallel.forEachShare(of: pairs, workers: workers) { share, worker in
                                var random = SeededGenerator(seed: seed, stream: UInt64(epoch) << 8 | UInt64(worker))
                                let scratch = HybridScratch(stride: model.stride)
                                for position in share {
                                    let index = Int(order[position])
                                    step(model, positives, user: Int(owner[index]), positive: Int(positives.items[index]),
                                         random: &random, scratch: scratch)
                                }
                            }
                        }
                    }
                }
            }
            if !afterEpoch(epoch, model) { break }
        }
        return model
    }

    /// Each user's liked items (sorted CSR rows), for rejecting sampled negatives by binary search.
    struct Positives {
        let offsets: UnsafeBufferPointer<Int>
        let items: UnsafeBufferPointer<Int32>
        let itemCount: Int

        @inline(__always)
        func contains(user: Int, item: Int) -> Bool {
            var low = offsets[user], high = offsets[user + 1]
            let target = Int32(item)
            while low < high {
                let middle = (low + high) >> 1
                if items[middle] < target { low = middle + 1 } else { high = middle }
            }
            return low < offsets[user + 1] && items[low] == target
        }
    }

    @inline(__always)
    func step(_ model: HybridModel, _ positives: Positives, user: Int, positive: Int,
              random: inout SeededGenerator, scratch: HybridScratch) {
        let itemCount = positives.itemCount
        let n = model.stride
        let x = model.userEmbeddings.row(user)
        let positiveBias = model.representation(of: positive, into: scratch.positive)
        let positiveScore = VectorKernels.dot(x, scratch.positive, n) + positiveBias
        switch loss {
        case .warp:
            if let (negative, sampled) = sampleViolator(model, positives, user: user, positive: positive,
                                                         positiveScore: positiveScore, random: &random, scratch: scratch) {
                update(model, user: user, positive: positive, negative: negative,
                       weight: Self.warpWeight(itemCount: itemCount, sampled: sampled), scratch: scratch)
            }
        case .bpr:
            var negative = random.below(itemCount)
            var attempts = 0
            while (negative == positive || positives.contains(user: user, item: negative)) && attempts < 20 {
                negative = random.below(itemCount)
                attempts += 1
            }
            if negative == positive || positives.contains(user: user, item: negative) { return }
            let negativeBias = model.representation(of: negative, into: scratch.negative)
            let negativeScore = VectorKernels.dot(x, scratch.negative, n) + negativeBias
            let weight = Self.bprWeight(positiveScore: positiveScore, negativeScore: negativeScore)
            update(model, user: user, positive: positive, negative: negative, weight: weight, scratch: scratch)
        }
    }

    /// WARP's sampler: draws negatives until one scores within the margin of the positive (leaving its
    /// representation in `scratch.negative`), up to `maxSampled` draws. Returns it and the number of draws.
    @inline(__always)
    func sampleViolator(_ model: HybridModel, _ positives: Positives, user: Int, positive: Int, positiveScore: Float,
                        random: inout SeededGenerator, scratch: HybridScratch) -> (Int, Int)? {
        let x = model.userEmbeddings.row(user)
        for sampled in 1...maxSampled {
            let negative = random.below(positives.itemCount)
            if negative == positive || positives.contains(user: user, item: negative) { continue }
            let negativeBias = model.representation(of: negative, into: scratch.negative)
            let negativeScore = VectorKernels.dot(x, scratch.negative, model.stride) + negativeBias
            if negativeScore > positiveScore - 1 { return (negative, sampled) }
        }
        return nil
    }

    /// BPR's update weight: the derivative of −log σ(p_pos − p_neg) with respect to the difference, σ(p_neg − p_pos).
    @inline(__always)
    public static func bprWeight(positiveScore: Float, negativeScore: Float) -> Float {
        1 / (1 + expf(positiveScore - negativeScore))
    }

    /// WARP's update weight: log of the rank estimate ⌊(N − 1) / draws⌋, capped at 10 for stability.
    public static func warpWeight(itemCount: Int, sampled: Int) -> Float {
        min(10, logf(max(1, Float((itemCount - 1) / max(1, sampled)))))
    }

    /// Gradient step on `weight · (p_negative − p_positive)`, given the representations already in `scratch`.
    @inline(__always)
    func update(_ model: HybridModel, user: Int, positive: Int, negative: Int, weight: Float, scratch: HybridScratch) {
        let n = model.stride
        let x = model.userEmbeddings.row(user)
        // dL/dx = w (r_neg − r_pos); dL/dr_pos = −w x; dL/dr_neg = w x; dL/db_pos = −w; dL/db_neg = w.
        for k in Swift.stride(from: 0, to: n, by: 8) {
            let difference = VectorKernels.load(scratch.negative + k) - VectorKernels.load(scratch.positive + k)
            VectorKernels.store(difference * SIMD8(repeating: weight), scratch.userGradient + k)
            VectorKernels.store(VectorKernels.load(x + k) * SIMD8(repeating: weight), scratch.itemGradient + k)
        }
        model.applyToItem(positive, gradientScale: -1, scratch.itemGradient, biasGradient: -weight, training: self)
        model.applyToItem(negative, gradientScale: 1, scratch.itemGradient, biasGradient: weight, training: self)
        model.applyToUser(user, scratch.userGradient, training: self)
    }
}

/// Per-worker buffers, so the hot loop allocates nothing.
final class HybridScratch {
    let positive, negative, userGradient, itemGradient, featureGradient: UnsafeMutablePointer<Float>
    init(stride: Int) {
        let all = UnsafeMutablePointer<Float>.allocate(capacity: stride * 5)
        all.initialize(repeating: 0, count: stride * 5)
        positive = all; negative = all + stride; userGradient = all + 2 * stride
        itemGradient = all + 3 * stride; featureGradient = all + 4 * stride
    }
    deinit { positive.deallocate() }
}

/// The trained parameters and the optimiser's state.
public final class HybridModel: @unchecked Sendable {
    public let items: ItemFeatures
    public let factors: Int
    public let stride: Int
    public let featureEmbeddings: FactorMatrix
    /// Biases use column 0 of a 16-wide row: one cache line each, so threads updating the biases of different
    /// features do not contend for a shared line.
    public let featureBiases: FactorMatrix
    public let userEmbeddings: FactorMatrix
    public let userBiases: FactorMatrix
    // The item → feature lists as raw buffers: the hot loop reads them without reference counting.
    let featureOffsets: UnsafeMutableBufferPointer<Int>
    let featureIndices: UnsafeMutableBufferPointer<Int32>
    let featureWeights: UnsafeMutableBufferPointer<Float>
    // Adagrad: sums of squared gradients (starting at 1); Adadelta: running averages of squared gradients.
    let featureAccumulators: FactorMatrix, featureBiasAccumulators: FactorMatrix
    let userAccumulators: FactorMatrix, userBiasAccumulators: FactorMatrix
    // Adadelta only: running averages of squared updates.
    let featureDeltas: FactorMatrix, featureBiasDeltas: FactorMatrix
    let userDeltas: FactorMatrix, userBiasDeltas: FactorMatrix

    init(users: Int, features: ItemFeatures, factors: Int, seed: UInt64) {
        items = features
        self.factors = factors
        featureOffsets = .allocate(capacity: features.offsets.count)
        _ = featureOffsets.initialize(from: features.offsets)
        featureIndices = .allocate(capacity: max(1, features.features.count))
        _ = featureIndices.initialize(from: features.features)
        featureWeights = .allocate(capacity: max(1, features.weights.count))
        _ = featureWeights.initialize(from: features.weights)
        featureEmbeddings = FactorMatrix(rows: features.featureCount, columns: factors)
        stride = featureEmbeddings.stride
        featureBiases = FactorMatrix(rows: features.featureCount, columns: Self.biasWidth)
        userEmbeddings = FactorMatrix(rows: users, columns: factors)
        userBiases = FactorMatrix(rows: users, columns: Self.biasWidth)
        featureAccumulators = FactorMatrix(rows: features.featureCount, columns: factors)
        featureBiasAccumulators = FactorMatrix(rows: features.featureCount, columns: Self.biasWidth)
        userAccumulators = FactorMatrix(rows: users, columns: factors)
        userBiasAccumulators = FactorMatrix(rows: users, columns: Self.biasWidth)
        featureDeltas = FactorMatrix(rows: features.featureCount, columns: factors)
        featureBiasDeltas = FactorMatrix(rows: features.featureCount, columns: Self.biasWidth)
        userDeltas = FactorMatrix(rows: users, columns: factors)
        userBiasDeltas = FactorMatrix(rows: users, columns: Self.biasWidth)
        // Uniform in (−0.5, 0.5) / factors, as LightFM initialises.
        var random = SeededGenerator(seed: seed, stream: 7)
        for row in 0..<features.featureCount {
            for k in 0..<factors { featureEmbeddings[row, k] = (Float(random.unit()) - 0.5) / Float(factors) }
        }
        for row in 0..<users {
            for k in 0..<factors { userEmbeddings[row, k] = (Float(random.unit()) - 0.5) / Float(factors) }
        }
        // Padding lanes too: a zero accumulator would turn their (zero) updates into 0/0.
        for matrix in [featureAccumulators, featureBiasAccumulators, userAccumulators, userBiasAccumulators] {
            matrix.storage.update(repeating: 1)
        }
    }

    deinit {
        featureOffsets.deallocate()
        featureIndices.deallocate()
        featureWeights.deallocate()
    }

    static let biasWidth = 16

    public var userCount: Int { userEmbeddings.rows }

    /// Writes item `item`'s representation (weighted sum of its features' embeddings) and returns its bias.
    @inline(__always)
    public func representation(of item: Int, into output: UnsafeMutablePointer<Float>) -> Float {
        for k in Swift.stride(from: 0, to: stride, by: 8) { VectorKernels.store(SIMD8(), output + k) }
        var bias: Float = 0
        for index in featureOffsets[item]..<featureOffsets[item + 1] {
            let feature = Int(featureIndices[index]), weight = featureWeights[index]
            VectorKernels.axpy(weight, featureEmbeddings.row(feature), output, stride)
            bias += weight * featureBiases[feature, 0]
        }
        return bias
    }

    /// Score of `item` for `user` (without the user's bias, which does not change a ranking).
    public func score(user: Int, item: Int, scratch: UnsafeMutablePointer<Float>) -> Float {
        let bias = representation(of: item, into: scratch)
        return VectorKernels.dot(userEmbeddings.row(user), scratch, stride) + bias
    }

    /// The embeddings of the side features (tags, categories), one row per `items.sideFeatureNames` entry.
    public func sideFeatureEmbeddings() -> FactorMatrix {
        let names = items.sideFeatureNames.count
        let output = FactorMatrix(rows: names, columns: factors)
        for index in 0..<names {
            let source = featureEmbeddings.row(items.identityCount + index), target = output.row(index)
            for k in 0..<stride { target[k] = source[k] }
        }
        return output
    }

    /// All items' representations (rows) and biases.
    public func itemRepresentations() -> (FactorMatrix, [Float]) {
        let output = FactorMatrix(rows: items.itemCount, columns: factors)
        var biases = [Float](repeating: 0, count: items.itemCount)
        for item in 0..<items.itemCount { biases[item] = representation(of: item, into: output.row(item)) }
        return (output, biases)
    }

    /// The full loss of one (user, positive, negative) triple, for gradient checks:
    /// BPR `−log σ(p_pos − p_neg)`; WARP's hinge `max(0, 1 − p_pos + p_neg)` (scaled by a fixed weight).
    public func pairLoss(user: Int, positive: Int, negative: Int, loss: HybridTraining.Loss) -> Double {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: stride)
        defer { scratch.deallocate() }
        let p = Double(score(user: user, item: positive, scratch: scratch) + userBiases[user, 0])
        let q = Double(score(user: user, item: negative, scratch: scratch) + userBiases[user, 0])
        switch loss {
        case .bpr: return log(1 + exp(-(p - q)))
        case .warp: return max(0, 1 - p + q)
        }
    }

    /// Applies `gradientScale · gradient` (the gradient w.r.t. the item's representation) to each of the item's
    /// features, weighted by the feature's share, with the L2 penalty and the per-parameter learning rate.
    @inline(__always)
    func applyToItem(_ item: Int, gradientScale: Float, _ gradient: UnsafeMutablePointer<Float>, biasGradient: Float,
                     training: HybridTraining) {
        for index in featureOffsets[item]..<featureOffsets[item + 1] {
            let feature = Int(featureIndices[index]), weight = featureWeights[index]
            step(featureEmbeddings.row(feature), gradient, scale: gradientScale * weight,
                 accumulators: featureAccumulators.row(feature), deltas: featureDeltas.row(feature),
                 penalty: training.itemAlpha, training: training)
            stepBias(featureBiases.row(feature), biasGradient * weight, accumulator: featureBiasAccumulators.row(feature),
                     delta: featureBiasDeltas.row(feature), penalty: training.itemAlpha, training: training)
        }
    }

    @inline(__always)
    func applyToUser(_ user: Int, _ gradient: UnsafeMutablePointer<Float>, training: HybridTraining) {
        step(userEmbeddings.row(user), gradient, scale: 1, accumulators: userAccumulators.row(user),
             deltas: userDeltas.row(user), penalty: training.userAlpha, training: training)
    }

    /// One optimiser step on a row: g = scale·gradient + penalty·θ.
    @inline(__always)
    func step(_ parameters: UnsafeMutablePointer<Float>, _ gradient: UnsafeMutablePointer<Float>, scale: Float,
              accumulators: UnsafeMutablePointer<Float>, deltas: UnsafeMutablePointer<Float>, penalty: Float,
              training: HybridTraining) {
        let scaleVector = SIMD8<Float>(repeating: scale), penaltyVector = SIMD8<Float>(repeating: penalty)
        switch training.schedule {
        case .adagrad:
            let rate = SIMD8<Float>(repeating: training.learningRate)
            for k in Swift.stride(from: 0, to: stride, by: 8) {
                let theta = VectorKernels.load(parameters + k)
                var g = VectorKernels.load(gradient + k) * scaleVector
                g.addProduct(penaltyVector, theta)
                // The step uses the squares accumulated so far, then adds this one (LightFM's order).
                let sum = VectorKernels.load(accumulators + k)
                VectorKernels.store(theta - rate * g / sum.squareRoot(), parameters + k)
                VectorKernels.store(sum + g * g, accumulators + k)
            }
        case .adadelta:
            let rho = SIMD8<Float>(repeating: training.rho), oneMinusRho = SIMD8<Float>(repeating: 1 - training.rho)
            let epsilon = SIMD8<Float>(repeating: training.epsilon)
            for k in Swift.stride(from: 0, to: stride, by: 8) {
                let theta = VectorKernels.load(parameters + k)
                var g = VectorKernels.load(gradient + k) * scaleVector
                g.addProduct(penaltyVector, theta)
                let average = rho * (VectorKernels.load(accumulators + k) - 1) + oneMinusRho * g * g
                VectorKernels.store(average + 1, accumulators + k)  // stored offset by the initial 1
                let previous = VectorKernels.load(deltas + k)
                let change = -((previous + epsilon).squareRoot() / (average + epsilon).squareRoot()) * g
                VectorKernels.store(rho * previous + oneMinusRho * change * change, deltas + k)
                VectorKernels.store(theta + change, parameters + k)
            }
        }
    }

    @inline(__always)
    func stepBias(_ bias: UnsafeMutablePointer<Float>, _ gradient: Float, accumulator: UnsafeMutablePointer<Float>,
                  delta: UnsafeMutablePointer<Float>, penalty: Float, training: HybridTraining) {
        let g = gradient + penalty * bias.pointee
        switch training.schedule {
        case .adagrad:
            bias.pointee -= training.learningRate * g / accumulator.pointee.squareRoot()
            accumulator.pointee += g * g
        case .adadelta:
            let average = training.rho * (accumulator.pointee - 1) + (1 - training.rho) * g * g
            accumulator.pointee = average + 1
            let change = -((delta.pointee + training.epsilon).squareRoot() / (average + training.epsilon).squareRoot()) * g
            delta.pointee = training.rho * delta.pointee + (1 - training.rho) * change * change
            bias.pointee += change
        }
    }
}
