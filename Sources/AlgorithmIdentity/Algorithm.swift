import Foundation

/// Every recommendation algorithm the project knows, by the name used on the command line, in the database, in
/// URLs and in the API. This file is the only place a wire name is written: training, evaluation, the carousels
/// and the API's validation all take their names from here, and `openapi.json`'s enum is checked against
/// `trainable` by a test.
public enum Algorithm: String, CaseIterable, Sendable, Codable, Comparable {
    case visual
    case wrmf
    case warpTags = "warp-tags"
    case itemKNN = "itemknn"
    case popularity
    /// WARP and BPR on likes alone, and BPR with tags: compared in `evaluate`, not trained for the site.
    case warp
    case bpr
    case bprTags = "bpr-tags"
    /// WRMF's model fitted by Spark MLlib's implicit ALS (through spark-submit), scored like `wrmf`.
    case sparkALS = "spark-als"
    /// EASE's closed-form item-to-item weights (Steck 2019) and the RP3beta random walk (Paudel et al. 2016): the
    /// strongest simple baselines in the literature, compared in `evaluate` by their item-to-item lists.
    case ease
    case rp3beta
    /// EASE and RP3beta with item features as weighted pseudo-users (CEASE, Jeunen et al. 2020; the walk through
    /// tags beside likers): the closed-form and walk models of likes and tags, compared with warp-tags.
    case easeTags = "ease-tags"
    case rp3betaTags = "rp3beta-tags"
    /// EASE's and WRMF's standardised scores mixed with a weight learnt on the validation split: compared in
    /// `evaluate` (it scores users, not items, so it has no carousel).
    case blend

    /// What `train` can run and the site can show, in the order of the model page.
    public static let trainable: [Algorithm] = [.visual, .wrmf, .warpTags, .itemKNN, .ease, .easeTags, .rp3beta, .rp3betaTags,
                                                .popularity]

    /// Where WRMF's carousel goes when another algorithm fills "Users who liked this also liked" (`train
    /// --likes-algorithm`): among the baselines. A carousel leads the page when its stored display order is below
    /// `firstBaselineOrder`.
    public static let wrmfAsBaselineOrder = 46
    /// Where warp-tags' carousel goes when another tag-aware algorithm fills "Likes + tags".
    public static let warpTagsAsBaselineOrder = 47
    public static let firstBaselineOrder = 40

    /// What `evaluate` can fit and score on a split (visual from a catalogue's stored lists: it learns nothing from
    /// likes, so the lists the site serves are scored as they are).
    public static let evaluable: [Algorithm] = [.visual, .popularity, .itemKNN, .wrmf, .ease, .rp3beta, .warp, .warpTags,
                                                .easeTags, .rp3betaTags, .blend, .bpr, .bprTags, .sparkALS]

    /// Item-to-item algorithms: the carousels show their lists (a user's score for an item by the list rule is the
    /// sum of its similarity in the lists of the user's training likes), and `evaluate` reports that rule beside
    /// the model's own score (whole weight rows, negative weights included) that peers are compared on.
    public var isScoredByLists: Bool {
        self == .itemKNN || self == .ease || self == .rp3beta || self == .visual || self == .easeTags || self == .rp3betaTags
    }

    /// The algorithms that read tags and may fill "Likes + tags", and each one's version without tags.
    public static let tagAware: [Algorithm] = [.warpTags, .easeTags, .rp3betaTags]
    public var withoutTags: Algorithm? {
        switch self {
        case .warpTags: .warp
        case .bprTags: .bpr
        case .easeTags: .ease
        case .rp3betaTags: .rp3beta
        default: nil
        }
    }

    /// The learning-to-rank models, the ones `tune` searches settings for.
    public static let learningToRank: [Algorithm] = [.warp, .warpTags, .bpr, .bprTags]

    public var isLearningToRank: Bool { Self.learningToRank.contains(self) }

    /// Whether the algorithm reads item features (tags and categories) besides the likes.
    public var usesSideFeatures: Bool { withoutTags != nil }

    /// Lists learnt from likes alone, explained by the users who liked both models.
    public var explainsWithLikes: Bool { self == .wrmf || self == .itemKNN || self == .ease || self == .rp3beta }

    public var title: String {
        switch self {
        case .visual: "Visually similar"
        case .wrmf: "Users who liked this also liked"
        case .warpTags: "Likes + tags"
        case .itemKNN: "Often liked together"
        case .popularity: "Most liked overall"
        case .warp: "Likes (WARP)"
        case .bpr: "Likes (BPR)"
        case .bprTags: "Likes + tags (BPR)"
        case .sparkALS: "Users who liked this also liked (Spark ALS)"
        case .ease: "Liked together (EASE)"
        case .rp3beta: "Liked together (RP3beta)"
        case .easeTags: "Liked together or tagged alike (EASE + tags)"
        case .rp3betaTags: "Liked together or tagged alike (RP3beta + tags)"
        case .blend: "EASE and WRMF blended"
        }
    }

    public var description: String {
        switch self {
        case .visual:
            "Models whose thumbnails look alike, by cosine similarity of image features: a pretrained image network's (EfficientNet-Lite0) when its weights are installed, else a colour layout and edge-orientation histograms."
        case .wrmf:
            "Matrix factorisation of who liked what (implicit ALS): models liked by people with similar taste."
        case .warpTags:
            "A learning-to-rank model trained on likes that also knows each model's tags and categories."
        case .itemKNN:
            "Models that share the most likers with this one, relative to how popular both are (cosine similarity of co-likes)."
        case .popularity:
            "The most-liked models in the catalogue, the same for every page: the baseline every other algorithm must beat."
        case .warp:
            "A learning-to-rank model (WARP loss) trained on likes alone."
        case .bpr:
            "A learning-to-rank model (BPR loss) trained on likes alone."
        case .bprTags:
            "A learning-to-rank model (BPR loss) trained on likes with each model's tags and categories."
        case .sparkALS:
            "Spark MLlib's implicit ALS on the same likes, the peer WRMF is compared with."
        case .ease:
            "A linear autoencoder of the likes with a closed form (EASE): how much liking one model predicts liking another, every other model accounted for."
        case .rp3beta:
            "A three-step random walk model → liker → model on the likes, discounted by the arrival model's popularity (RP3beta)."
        case .easeTags:
            "EASE on the likes with each tag and category as one more, weighted, liker of the models that carry it (collective EASE): tags tie models that few people liked."
        case .rp3betaTags:
            "RP3beta's walk that may also step model → tag → model, weighted against the step through a liker."
        case .blend:
            "EASE's and WRMF's scores for a user, each standardised, mixed with a weight chosen on a validation split of the likes."
        }
    }

    /// Position of the carousel on the model page: the original's three first, the baselines after.
    public var displayOrder: Int {
        switch self {
        case .visual: 10
        case .wrmf: 20
        case .warpTags: 30
        case .itemKNN: 40
        case .warp: 50
        case .bpr: 60
        case .bprTags: 70
        case .sparkALS: 80
        case .ease: 42
        case .rp3beta: 44
        case .easeTags: 43
        case .rp3betaTags: 45
        case .blend: 85
        case .popularity: 90
        }
    }

    /// The original's three carousels lead the model page; the rest sit behind a disclosure.
    public var isBaseline: Bool {
        switch self {
        case .visual, .wrmf, .warpTags: false
        case .itemKNN, .popularity, .warp, .bpr, .bprTags, .sparkALS, .ease, .rp3beta, .easeTags, .rp3betaTags, .blend: true
        }
    }

    /// The word a card uses to say another carousel suggests it too.
    public var shortLabel: String {
        switch self {
        case .visual: "visual"
        case .wrmf: "likes"
        case .warpTags: "likes + tags"
        case .itemKNN: "co-likes"
        case .popularity: "popular"
        case .warp, .bpr, .bprTags, .sparkALS, .ease, .rp3beta, .easeTags, .rp3betaTags, .blend: rawValue
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.displayOrder < rhs.displayOrder }

    /// A comma-separated list such as "wrmf,visual" of algorithms among `allowed`, naming the first one that is not.
    public static func list(_ text: String, among allowed: [Algorithm]) throws(UnknownAlgorithm) -> [Algorithm] {
        try text.split(separator: ",").map { (part) throws(UnknownAlgorithm) -> Algorithm in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let algorithm = Algorithm(rawValue: name), allowed.contains(algorithm) else {
                throw UnknownAlgorithm(name: name, allowed: allowed)
            }
            return algorithm
        }
    }
}

/// A name that is not one of the algorithms a command can run.
public struct UnknownAlgorithm: Error, CustomStringConvertible {
    public var name: String
    public var allowed: [Algorithm]
    public var description: String {
        "unknown algorithm \"\(name)\" (available: \(allowed.map(\.rawValue).joined(separator: ", ")))"
    }
}
