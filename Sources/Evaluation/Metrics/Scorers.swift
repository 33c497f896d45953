import AlgorithmIdentity
import Recommenders

/// Scores by training popularity.
public struct PopularityScorer: ItemScorer {
    let degrees: [Float]
    public init(_ train: InteractionMatrix) { degrees = (0..<train.itemCount).map { Float(train.itemDegree($0)) } }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        for item in 0..<degrees.count { output[item] = degrees[item] }
    }
}

/// Item-kNN: an item's score is the sum of its similarities to the user's items (each item's top neighbours).
public struct ItemKNNScorer: ItemScorer {
    let train: InteractionMatrix
    let neighbours: [[Neighbour]]
    public init(_ train: InteractionMatrix, neighbours: [[Neighbour]]) {
        self.train = train
        self.neighbours = neighbours
    }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        for item in 0..<output.count { output[item] = 0 }
        for liked in train.items(ofUser: user) {
            for neighbour in neighbours[Int(liked)] { output[Int(neighbour.item)] += neighbour.score }
        }
    }
}

public struct WRMFScorer: ItemScorer {
    let model: WRMFModel
    public init(_ model: WRMFModel) { self.model = model }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) { model.scores(user: user, into: output) }
}

/// The hybrid model's score: user embedding · item representation + item bias.
public struct HybridScorer: ItemScorer {
    let model: HybridModel
    let representations: FactorMatrix
    let biases: [Float]
    public init(_ model: HybridModel) {
        self.model = model
        (representations, biases) = model.itemRepresentations()
    }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        let x = model.userEmbeddings.row(user), n = representations.stride
        for item in 0..<biases.count { output[item] = VectorKernels.dot(representations.row(item), x, n) + biases[item] }
    }
}

/// A similarity model scored as a model: the whole rows of the walk (RP3beta, cosine item-kNN) for the user's likes.
public struct WalkScorer: ItemScorer {
    let walk: ItemWalk
    public init(_ walk: ItemWalk) { self.walk = walk }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        walk.scores(liked: walk.likes.items(ofUser: user), into: output)
    }
}

/// EASE scored as a model: `x_u · B` with every weight, negative ones included (as cornac, recpack and the paper
/// score it); items outside the fitted set get their fallback lists' scores.
public struct EASEScorer: ItemScorer {
    let fallback: ItemKNNScorer?
    let train: InteractionMatrix
    let weights: EASEWeights
    public init(_ train: InteractionMatrix, weights: EASEWeights, lists: [[Neighbour]]) {
        self.train = train
        self.weights = weights
        fallback = weights.items.count < train.itemCount ? ItemKNNScorer(train, neighbours: lists) : nil
    }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        if let fallback {
            fallback.scores(user: user, into: output)
            for item in weights.items { output[Int(item)] = 0 }
        } else {
            for item in 0..<output.count { output[item] = 0 }
        }
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, weights.items.count))
        defer { scratch.deallocate() }
        weights.addScores(liked: train.items(ofUser: user), into: output, scratch: scratch)
    }
}

/// Two models' scores for a user, each standardised over the catalogue (mean 0, standard deviation 1, so neither
/// scale wins by its units), mixed as `weight·a + (1 − weight)·b`: EASE and WRMF, which err differently.
public struct BlendScorer: ItemScorer {
    /// The algorithms a blend is made of.
    public static let parts: Set<Algorithm> = [.ease, .easeTags, .wrmf]
    let a: ItemScorer
    let b: ItemScorer
    let weight: Float
    let itemCount: Int
    public init(_ a: ItemScorer, _ b: ItemScorer, weight: Float, itemCount: Int) {
        (self.a, self.b, self.weight, self.itemCount) = (a, b, weight, itemCount)
    }
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        let other = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, itemCount))
        defer { other.deallocate() }
        a.scores(user: user, into: output)
        b.scores(user: user, into: other)
        let (scaleA, meanA) = Self.standardisation(output)
        let (scaleB, meanB) = Self.standardisation(other)
        let wa = weight * scaleA, wb = (1 - weight) * scaleB
        let offset = -(wa * meanA + wb * meanB)
        for item in 0..<itemCount { output[item] = wa * output[item] + wb * other[item] + offset }
    }
    /// 1/σ and μ of the scores (1/σ is 0 for constant scores).
    static func standardisation(_ values: UnsafeMutableBufferPointer<Float>) -> (Float, Float) {
        var sum = 0.0, squares = 0.0
        for value in values { sum += Double(value); squares += Double(value) * Double(value) }
        let n = Double(max(1, values.count)), mean = sum / n
        let variance = max(0, squares / n - mean * mean)
        return (variance > 0 ? Float(1 / variance.squareRoot()) : 0, Float(mean))
    }
}
