import Foundation
@testable import Recommenders
import SeededRandom
import Testing

@Suite struct HybridModelTests {
    /// Two groups of items: even items carry tag "even", odd ones tag "odd"; even users like even items.
    static func planted(users: Int = 60, items: Int = 40, perUser: Int = 6, coldItems: Set<Int> = [],
                        seed: UInt64 = 3) -> (InteractionMatrix, [(item: Int, feature: String, weight: Float)]) {
        var random = SeededGenerator(seed: seed)
        var pairs: [(user: Int32, item: Int32)] = []
        for user in 0..<users {
            var liked = 0
            while liked < perUser {
                let item = 2 * random.below(items / 2) + user % 2
                if coldItems.contains(item) { continue }
                pairs.append((Int32(user), Int32(item)))
                liked += 1
            }
        }
        let tags = (0..<items).map { (item: $0, feature: $0 % 2 == 0 ? "tag:even" : "tag:odd", weight: Float(1)) }
        return (InteractionMatrix(userCount: users, itemCount: items, pairs: pairs), tags)
    }

    func tinyModel(loss: HybridTraining.Loss) -> HybridModel {
        let (matrix, tags) = Self.planted(users: 6, items: 8, perUser: 3)
        let features = ItemFeatures(itemCount: 8, identity: true, assignments: tags)
        let model = HybridTraining(loss: loss, factors: 5, epochs: 2, threads: 1).fit(matrix, items: features)
        // Move off the origin so no gradient is accidentally zero.
        var random = SeededGenerator(seed: 11)
        for row in 0..<model.featureEmbeddings.rows {
            for k in 0..<5 { model.featureEmbeddings[row, k] += Float(random.unit() - 0.5) }
            model.featureBiases[row, 0] = Float(random.unit() - 0.5) * 0.2
        }
        for row in 0..<model.userEmbeddings.rows { for k in 0..<5 { model.userEmbeddings[row, k] += Float(random.unit() - 0.5) } }
        return model
    }

    /// The gradient one training step applies, read off the step itself: `update` (the function the training loop
    /// calls, through `applyToItem` and `applyToUser`) runs with Adagrad's accumulators at their initial 1 and no
    /// penalty, so every parameter moves by exactly −learningRate·g. The model is restored afterwards.
    func gradientOfTrainingStep(_ model: HybridModel, user: Int, positive: Int, negative: Int, loss: HybridTraining.Loss)
        -> (user: [Float], features: [Int: [Float]], biases: [Int: Float]) {
        let learningRate: Float = 0.01
        let training = HybridTraining(loss: loss, factors: model.factors, learningRate: learningRate, schedule: .adagrad,
                                      userAlpha: 0, itemAlpha: 0, threads: 1)
        let matrices = [model.featureEmbeddings, model.featureBiases, model.userEmbeddings, model.userBiases,
                        model.featureAccumulators, model.featureBiasAccumulators, model.userAccumulators, model.userBiasAccumulators]
        let saved = matrices.map { Array(UnsafeBufferPointer(start: $0.storage.baseAddress, count: $0.storage.count)) }
        defer { for (matrix, values) in zip(matrices, saved) { _ = matrix.storage.update(fromContentsOf: values) } }
        for accumulators in [model.featureAccumulators, model.featureBiasAccumulators, model.userAccumulators, model.userBiasAccumulators] {
            accumulators.storage.update(repeating: 1)
        }
        let scratch = HybridScratch(stride: model.stride)
        let x = model.userEmbeddings.row(user)
        let positiveBias = model.representation(of: positive, into: scratch.positive)
        let negativeBias = model.representation(of: negative, into: scratch.negative)
        let p = VectorKernels.dot(x, scratch.positive, model.stride) + positiveBias
        let q = VectorKernels.dot(x, scratch.negative, model.stride) + negativeBias
        // The hinge's derivative is 1 where it is active; BPR's weight is the one the training loop computes.
        let weight = loss == .bpr ? HybridTraining.bprWeight(positiveScore: p, negativeScore: q) : (1 - p + q > 0 ? 1 : 0)
        let userBefore = model.userEmbeddings.rowArray(user)
        let touched = Set([positive, negative].flatMap { item in
            (model.items.offsets[item]..<model.items.offsets[item + 1]).map { Int(model.items.features[$0]) }
        })
        let featuresBefore = Dictionary(uniqueKeysWithValues: touched.map { ($0, model.featureEmbeddings.rowArray($0)) })
        let biasesBefore = Dictionary(uniqueKeysWithValues: touched.map { ($0, model.featureBiases[$0, 0]) })
        training.update(model, user: user, positive: positive, negative: negative, weight: weight, scratch: scratch)
        func implied(_ before: Float, _ after: Float) -> Float { (before - after) / learningRate }
        let userGradient = (0..<model.factors).map { implied(userBefore[$0], model.userEmbeddings[user, $0]) }
        var features: [Int: [Float]] = [:], biases: [Int: Float] = [:]
        for feature in touched {
            features[feature] = (0..<model.factors).map { implied(featuresBefore[feature]![$0], model.featureEmbeddings[feature, $0]) }
            biases[feature] = implied(biasesBefore[feature]!, model.featureBiases[feature, 0])
        }
        return (userGradient, features, biases)
    }

    @Test(arguments: HybridTraining.Loss.allCases)
    func trainingStepsFollowTheLossGradient(loss: HybridTraining.Loss) {
        let model = tinyModel(loss: loss)
        // Item 3 carries tag:odd and item 6 tag:even, so no feature is stepped twice in one update.
        let (user, positive, negative) = (1, 3, 6)
        // For WARP the hinge must be active for the gradient to be non-zero: push the negative up.
        if loss == .warp { model.featureBiases[negative, 0] += 3 }
        let analytic = gradientOfTrainingStep(model, user: user, positive: positive, negative: negative, loss: loss)
        let h: Float = 1e-3
        func numeric(_ parameter: (Float) -> Void, _ original: Float) -> Double {
            parameter(original + h)
            let up = model.pairLoss(user: user, positive: positive, negative: negative, loss: loss)
            parameter(original - h)
            let down = model.pairLoss(user: user, positive: positive, negative: negative, loss: loss)
            parameter(original)
            return (up - down) / Double(2 * h)
        }
        #expect(analytic.user.contains { abs($0) > 1e-3 }, "the step moved the user")
        for k in 0..<5 {
            let original = model.userEmbeddings[user, k]
            let estimate = numeric({ model.userEmbeddings[user, k] = $0 }, original)
            #expect(abs(estimate - Double(analytic.user[k])) < 2e-3, "user component \(k)")
        }
        #expect(analytic.features.count == 4, "identity and tag of each item")
        for (feature, gradient) in analytic.features {
            for k in 0..<5 {
                let original = model.featureEmbeddings[feature, k]
                let estimate = numeric({ model.featureEmbeddings[feature, k] = $0 }, original)
                #expect(abs(estimate - Double(gradient[k])) < 2e-3, "feature \(feature) component \(k)")
            }
            let originalBias = model.featureBiases[feature, 0]
            let estimate = numeric({ model.featureBiases[feature, 0] = $0 }, originalBias)
            #expect(abs(estimate - Double(analytic.biases[feature]!)) < 2e-3, "feature \(feature) bias")
        }
    }

    @Test func warpSamplingCountsDrawsUntilAViolator() {
        // One user who liked item 0; items 1…99 are negatives, of which exactly 10 violate the margin. The number
        // of draws is geometric with success 10/99 (after skipping the positive), so its mean is about 9.9.
        let users = 1, items = 100
        let matrix = InteractionMatrix(userCount: users, itemCount: items, pairs: [(0, 0)])
        let features = ItemFeatures(itemCount: items, identity: true, assignments: [])
        let training = HybridTraining(factors: 8, maxSampled: 1000, threads: 1)
        let model = training.fit(matrix, items: features)
        // Scores are the biases alone: −5 is outside the margin of a positive scoring 0, 0 is inside it.
        for row in 0..<items { for k in 0..<8 { model.featureEmbeddings[row, k] = 0 }; model.featureBiases[row, 0] = -5 }
        for k in 0..<8 { model.userEmbeddings[0, k] = 0 }
        for item in 1...10 { model.featureBiases[item, 0] = 0 }  // the violators
        let scratch = HybridScratch(stride: model.stride)
        var random = SeededGenerator(seed: 1)
        var total = 0, trials = 4000
        matrix.userOffsets.withUnsafeBufferPointer { offsets in
            matrix.userItems.withUnsafeBufferPointer { likedItems in
                let positives = HybridTraining.Positives(offsets: offsets, items: likedItems, itemCount: items)
                for _ in 0..<trials {
                    let (negative, sampled) = training.sampleViolator(model, positives, user: 0, positive: 0, positiveScore: 0,
                                                                      random: &random, scratch: scratch)!
                    #expect((1...10).contains(negative))
                    total += sampled
                }
            }
        }
        let mean = Double(total) / Double(trials)
        #expect(abs(mean - 10.0) < 0.6, "mean draws \(mean)")
        #expect(HybridTraining.warpWeight(itemCount: 100, sampled: 10) == logf(9))
        #expect(HybridTraining.warpWeight(itemCount: 100, sampled: 200) == 0)
        #expect(HybridTraining.warpWeight(itemCount: 10_000_000, sampled: 1) == 10)
    }

    @Test func adagradStepScalesByAccumulatedSquares() {
        let (matrix, _) = Self.planted(users: 4, items: 8, perUser: 2)
        let training = HybridTraining(factors: 8, learningRate: 0.1, userAlpha: 0, itemAlpha: 0, epochs: 1, threads: 1)
        let model = training.fit(matrix, items: ItemFeatures(itemCount: 8, identity: true, assignments: []))
        let row = model.userEmbeddings.row(0)
        let accumulators = model.userAccumulators.row(0)
        let before = (0..<8).map { row[$0] }, accumulated = (0..<8).map { accumulators[$0] }
        let gradient = UnsafeMutablePointer<Float>.allocate(capacity: 8)
        defer { gradient.deallocate() }
        for k in 0..<8 { gradient[k] = Float(k) * 0.5 - 1 }
        model.step(row, gradient, scale: 1, accumulators: accumulators, deltas: model.userDeltas.row(0), penalty: 0, training: training)
        for k in 0..<8 {
            let g = gradient[k], sum = accumulated[k] + g * g
            #expect(abs(accumulators[k] - sum) < 1e-6)
            #expect(abs(row[k] - (before[k] - 0.1 * g / accumulated[k].squareRoot())) < 1e-6)
        }
    }

    @Test func singleThreadTrainingIsDeterministic() {
        let (matrix, tags) = Self.planted()
        let features = ItemFeatures(itemCount: 40, identity: true, assignments: tags)
        for loss in HybridTraining.Loss.allCases {
            let a = HybridTraining(loss: loss, factors: 8, epochs: 3, seed: 5, threads: 1).fit(matrix, items: features)
            let b = HybridTraining(loss: loss, factors: 8, epochs: 3, seed: 5, threads: 1).fit(matrix, items: features)
            let c = HybridTraining(loss: loss, factors: 8, epochs: 3, seed: 6, threads: 1).fit(matrix, items: features)
            #expect(Array(a.featureEmbeddings.storage) == Array(b.featureEmbeddings.storage))
            #expect(Array(a.featureEmbeddings.storage) != Array(c.featureEmbeddings.storage))
        }
    }

    @Test(arguments: HybridTraining.Loss.allCases)
    func plantedGroupsRankInGroupItemsFirst(loss: HybridTraining.Loss) {
        let (matrix, tags) = Self.planted()
        let features = ItemFeatures(itemCount: 40, identity: true, assignments: tags)
        let model = HybridTraining(loss: loss, factors: 8, epochs: 20, threads: 2).fit(matrix, items: features)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: model.stride)
        defer { scratch.deallocate() }
        var inGroup = 0, total = 0
        for user in 0..<matrix.userCount {
            let ranked = (0..<40).sorted { model.score(user: user, item: $0, scratch: scratch) > model.score(user: user, item: $1, scratch: scratch) }
            for item in ranked.prefix(10) { total += 1; if item % 2 == user % 2 { inGroup += 1 } }
        }
        #expect(Double(inGroup) / Double(total) > 0.95)
    }

    @Test func tagsCarryTasteToItemsNobodyLiked() {
        // Items 0 and 1 have no likes at all; only their tags say which group they belong to.
        let (matrix, tags) = Self.planted(coldItems: [0, 1])
        let withTags = HybridTraining(factors: 8, epochs: 20, threads: 1)
            .fit(matrix, items: ItemFeatures(itemCount: 40, identity: true, assignments: tags))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: withTags.stride)
        defer { scratch.deallocate() }
        var right = 0
        for user in 0..<matrix.userCount {
            let own = user % 2, other = 1 - own
            if withTags.score(user: user, item: own, scratch: scratch) > withTags.score(user: user, item: other, scratch: scratch) { right += 1 }
        }
        #expect(Double(right) / Double(matrix.userCount) > 0.9)
    }

    @Test func featuresAreNormalisedPerItem() {
        let features = ItemFeatures(itemCount: 2, identity: true, assignments: [(0, "tag:a", 1), (0, "tag:b", 2)])
        #expect(features.featureCount == 4)
        #expect(features.sideFeatureIndex("tag:b") == 3)
        #expect(features.sideFeatureIndex("tag:z") == nil)
        let weights = Array(features.weights[features.offsets[0]..<features.offsets[1]])
        #expect(weights == [0.25, 0.25, 0.5])
        #expect(Array(features.weights[features.offsets[1]..<features.offsets[2]]) == [1])
        #expect(features.has(item: 0, feature: 3) && !features.has(item: 1, feature: 3))
    }
}
