import AlgorithmIdentity

extension CatalogSnapshot.Carousel {
    /// Whether the carousel sits behind the page's disclosure, from the display order training stored rather than the
    /// algorithm's own: `train --likes-algorithm` puts the winner in WRMF's place among the leading three and moves
    /// WRMF to the baselines.
    public var isBaseline: Bool { info.displayOrder >= Algorithm.firstBaselineOrder }
}
