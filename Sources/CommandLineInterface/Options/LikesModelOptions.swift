import AlgorithmIdentity
import ArgumentParser
import Crawler
import ElapsedTime
import Evaluation
import Recommenders

/// The settings of the likes models beyond the classic WRMF flags: WRMF as iALS revisited, EASE (and EDLAE, and
/// with tags), RP3beta (and with tags). Shared by `evaluate`, `tune` and `train`, applied to the harness's settings
/// in one place. A setting given here is kept as given: the per-catalogue search leaves that algorithm alone.
struct LikesModelOptions: ParsableArguments {
    @Option(help: "WRMF as iALS revisited (Rendle et al. 2022; no peer library has it): λ scaled by each row's count, each row's λ·(its likes + α0·the other side's rows)^ν, 0–1e6. Instead of --regularization (implicit's λ, one for every row); not both.",
            transform: ArgumentCheck.float(0...1e6))
    var scaledRegularization: Float?
    @Option(help: "WRMF: α0, the weight of every unobserved pair (iALS revisited), 0–1e6. 1 is implicit's and Spark's model.",
            transform: ArgumentCheck.float(0...1e6))
    var unobservedWeight: Float = HarnessSettings().unobservedWeight
    @Option(help: "WRMF: ν, the exponent of --scaled-regularization, 0–2 (1 when not given: as in iALS revisited); only with --scaled-regularization.",
            transform: ArgumentCheck.float(0...2))
    var regularizationExponent: Float?
    @Option(help: "WRMF: how factors start: normal (N(0, σ²/d), iALS revisited) or uniform (uniform(0, 0.01), implicit's).")
    var initialisation: WRMF.Initialisation = HarnessSettings().initialisation
    @Option(help: "WRMF: σ of the normal initialisation, divided by √factors, 1e-6–10.", transform: ArgumentCheck.float(1e-6...10))
    var initSigma: Float = HarnessSettings().initialDeviation
    @Option(help: "EASE: λ added to the Gram matrix's diagonal (Steck 2019; cornac's and recpack's `lamb`/`l2`), 1e-3–1e9.",
            transform: ArgumentCheck.float(1e-3...1e9))
    var easeLambda: Float?
    @Option(help: "EASE: EDLAE's dropout probability p (Steck 2020), 0–0.95: p/(1−p)·each item's likes added to the diagonal besides λ; 0 is EASE.",
            transform: ArgumentCheck.float(0...0.95))
    var easeDropout: Float?
    @Option(help: "ease-tags: the weight of a tag's row against a user's in the stacked Gram matrix (CEASE), 0–1e6.",
            transform: ArgumentCheck.float(0...1e6))
    var easeTagWeight: Float?
    @Option(help: "EASE: the most-liked items its closed form covers, 1–200000 (the rest fall back to item-kNN); memory is about 4·N² bytes and time grows as N³.",
            transform: ArgumentCheck.integer(1...200_000))
    var maxItems = HarnessSettings().easeMaxItems
    @Option(help: "RP3beta: α, the power each transition probability of the walk is raised to, 0–10.", transform: ArgumentCheck.float(0...10))
    var rp3Alpha: Float?
    @Option(help: "RP3beta: β, the power of the arrival model's popularity that divides its weight, 0–10.", transform: ArgumentCheck.float(0...10))
    var rp3Beta: Float?
    @Option(help: "rp3beta-tags: the weight of a step model → tag → model against one through a liker, 0–1e6.",
            transform: ArgumentCheck.float(0...1e6))
    var rp3TagWeight: Float?

    @Option(help: "spark-als: Spark's regParam λ (each row's is λ·its likes, ALS-WR, as Spark means it), 0–1e6.", transform: ArgumentCheck.float(0...1e6))
    var sparkRegularization: Float = HarnessSettings().sparkRegularization

    func validate(regularization: Float?) throws {
        if regularization != nil && scaledRegularization != nil {
            throw ValidationError("--regularization (implicit's λ, one for every row) and --scaled-regularization (iALS revisited's) are two forms of WRMF's penalty: give one")
        }
        if regularizationExponent != nil && scaledRegularization == nil {
            throw ValidationError("--regularization-exponent is the exponent of --scaled-regularization: give that too (--regularization is implicit's λ, with no exponent)")
        }
    }

    /// Applies the flags; `regularization` is `--regularization` (implicit's λ), when given.
    func apply(to settings: inout HarnessSettings, regularization: Float? = nil) {
        settings.sparkRegularization = sparkRegularization
        settings.unobservedWeight = unobservedWeight
        if let regularization {
            (settings.regularization, settings.regularizationExponent) = (regularization, 0)
        } else if let scaledRegularization {
            (settings.regularization, settings.regularizationExponent) = (scaledRegularization, regularizationExponent ?? 1)
        }
        settings.initialisation = initialisation
        settings.initialDeviation = initSigma
        if let easeLambda { settings.easeRegularization = easeLambda }
        if let easeDropout { settings.easeDropout = easeDropout }
        if let easeTagWeight { settings.easeSideWeight = easeTagWeight }
        settings.easeMaxItems = maxItems
        if let rp3Alpha { settings.rp3Alpha = rp3Alpha }
        if let rp3Beta { settings.rp3Beta = rp3Beta }
        if let rp3TagWeight { settings.rp3SideWeight = rp3TagWeight }
    }

    /// The algorithms whose settings were given here or in `wrmfFlags`, which the search must leave as given.
    func pinned(wrmfFlags: Bool) -> Set<Algorithm> {
        var pinned = Set<Algorithm>()
        if wrmfFlags || scaledRegularization != nil { pinned.insert(.wrmf) }
        if easeLambda != nil || easeDropout != nil { pinned.insert(.ease) }
        if easeTagWeight != nil { pinned.insert(.easeTags) }
        if rp3Alpha != nil || rp3Beta != nil { pinned.insert(.rp3beta) }
        if rp3TagWeight != nil { pinned.insert(.rp3betaTags) }
        return pinned
    }
}

/// `--tune-budget`: how long choosing each algorithm's settings on a validation split may take.
struct TuningOptions: ParsableArguments {
    @Option(help: "Choose each algorithm's settings on a validation split carved from the training likes (never the test likes): auto (each search up to one full fit's estimated time, at least 15 s, so tuning at most doubles training), a duration for the whole search such as 90s or 10m, or 0 for the fixed defaults (docs/quality.md says where each comes from). Settings given by flag are kept as given.",
            transform: { (text: String) throws -> TuneBudget in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed == "auto" { return .automatic }
                if trimmed == "0" || trimmed == "off" { return .off }
                guard let duration = DurationParser.parse(trimmed), duration <= .seconds(7 * 86_400),
                      duration == .zero || duration >= .seconds(1) else {
                    throw ArgumentProblem(description: "expected auto, 0 (or off), or a duration from 1s to 7d such as 90s or 10m")
                }
                return duration == .zero ? .off : .seconds(duration.inSeconds)
            })
    var tuneBudget: TuneBudget = .automatic
}

extension WRMF.Initialisation: ExpressibleByArgument {}
