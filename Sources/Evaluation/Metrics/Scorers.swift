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
