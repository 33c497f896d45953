import ArgumentParser
import Evaluation
import Recommenders

/// The settings of the likes models beyond the classic WRMF flags: WRMF as iALS revisited, EASE and RP3beta.
/// Shared by `evaluate`, `tune` and `train`, applied to the harness's settings in one place.
struct LikesModelOptions: ParsableArguments {
    @Option(help: "WRMF: α0, the weight of every unobserved pair (iALS revisited), 0–1e6. 1 with --regularization-exponent 0 and --initialisation uniform is the classic model.",
            transform: ArgumentCheck.float(0...1e6))
    var unobservedWeight: Float = HarnessSettings().unobservedWeight
    @Option(help: "WRMF: ν, each row's regularisation is λ·(its likes + α0·the other side's rows)^ν, 0–2 (0: one λ for every row; 1: as in iALS revisited).",
            transform: ArgumentCheck.float(0...2))
    var regularizationExponent: Float = HarnessSettings().regularizationExponent
    @Option(help: "WRMF: how factors start: normal (N(0, σ²/d), iALS revisited) or uniform (uniform(0, 0.01), classic).")
    var initialisation: WRMF.Initialisation = HarnessSettings().initialisation
    @Option(help: "WRMF: σ of the normal initialisation, divided by √factors, 1e-6–10.", transform: ArgumentCheck.float(1e-6...10))
    var initSigma: Float = HarnessSettings().initialDeviation
    @Option(help: "EASE: λ added to the Gram matrix's diagonal, 1e-3–1e9.", transform: ArgumentCheck.float(1e-3...1e9))
    var easeLambda: Float = HarnessSettings().easeRegularization
    @Option(help: "EASE: the most-liked items its closed form covers, 1–200000 (the rest fall back to item-kNN); memory is about 4·N² bytes and time grows as N³.",
            transform: ArgumentCheck.integer(1...200_000))
    var maxItems = HarnessSettings().easeMaxItems
    @Option(help: "RP3beta: α, the power each transition probability of the walk is raised to, 0–10.", transform: ArgumentCheck.float(0...10))
    var rp3Alpha: Float = HarnessSettings().rp3Alpha
    @Option(help: "RP3beta: β, the power of the arrival model's popularity that divides its weight, 0–10.", transform: ArgumentCheck.float(0...10))
    var rp3Beta: Float = HarnessSettings().rp3Beta

    @Option(help: "spark-als: Spark's regParam λ (each row's is λ·its likes, ALS-WR), 0–1e6.", transform: ArgumentCheck.float(0...1e6))
    var sparkRegularization: Float = HarnessSettings().sparkRegularization

    func apply(to settings: inout HarnessSettings) {
        settings.sparkRegularization = sparkRegularization
        settings.unobservedWeight = unobservedWeight
        settings.regularizationExponent = regularizationExponent
        settings.initialisation = initialisation
        settings.initialDeviation = initSigma
        settings.easeRegularization = easeLambda
        settings.easeMaxItems = maxItems
        settings.rp3Alpha = rp3Alpha
        settings.rp3Beta = rp3Beta
    }
}

extension WRMF.Initialisation: ExpressibleByArgument {}
