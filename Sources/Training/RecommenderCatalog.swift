/// The algorithms the site knows, in the order the page shows their carousels.
public struct AlgorithmDescriptor: Sendable, Equatable {
    public var name: String
    public var title: String
    public var description: String
    public var displayOrder: Int
}

public enum RecommenderCatalog {
    public static let all: [AlgorithmDescriptor] = [
        AlgorithmDescriptor(
            name: "visual", title: "Visually similar",
            description: "Models whose thumbnails look alike, by cosine similarity of image descriptors: a colour layout and edge-orientation histograms of each thumbnail (a pretrained image network's features will take over once its weights are installed).",
            displayOrder: 10),
        AlgorithmDescriptor(
            name: "wrmf", title: "Users who liked this also liked",
            description: "Matrix factorisation of who liked what (implicit ALS): models liked by people with similar taste.",
            displayOrder: 20),
        AlgorithmDescriptor(
            name: "warp-tags", title: "Likes + tags",
            description: "A learning-to-rank model trained on likes that also knows each model's tags and categories.",
            displayOrder: 30),
        AlgorithmDescriptor(
            name: "itemknn", title: "Often liked together",
            description: "Models that share the most likers with this one, relative to how popular both are (cosine similarity of co-likes).",
            displayOrder: 40),
        AlgorithmDescriptor(
            name: "popularity", title: "Most liked overall",
            description: "The most-liked models in the catalogue, the same for every page: the baseline every other algorithm must beat.",
            displayOrder: 90),
    ]

    /// The algorithms `train` can run today.
    public static let trainable = ["visual", "wrmf", "warp-tags", "itemknn", "popularity"]

    public static func descriptor(named name: String) -> AlgorithmDescriptor? {
        all.first { $0.name == name }
    }
}
