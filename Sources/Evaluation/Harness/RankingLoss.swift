import AlgorithmIdentity
import Recommenders

extension Algorithm {
    /// The loss of a learning-to-rank model.
    public var rankingLoss: HybridTraining.Loss? {
        switch self {
        case .warp, .warpTags: .warp
        case .bpr, .bprTags: .bpr
        case .popularity, .itemKNN, .wrmf, .sparkALS, .visual, .ease, .rp3beta, .easeTags, .rp3betaTags, .blend: nil
        }
    }
}
