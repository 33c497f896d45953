import AlgorithmIdentity
import Foundation

/// What each search tries, its defaults as a point, and how a point becomes settings.
extension SettingsSelection {
    /// The candidates each search tries, around and including the defaults (see docs/quality.md for the ranges).
    static func candidates(_ algorithm: Algorithm, from settings: HarnessSettings) -> [[String: Double]] {
        func grid(_ axes: [(String, [Double])]) -> [[String: Double]] {
            axes.reduce([[:]]) { points, axis in points.flatMap { point in axis.1.map { point.merging([axis.0: $0]) { $1 } } } }
        }
        switch algorithm {
        case .wrmf:
            // implicit's form (one λ for every row) and iALS revisited's (λ scaled by each row's count, ν = 1).
            let plain = grid([("factors", [64, 128]), ("alpha", [2, 5, 15, 50]), ("regularization", [1, 3, 10, 30, 100]),
                              ("regularization_exponent", [0])])
            let scaled = grid([("factors", [64, 128]), ("alpha", [5, 15, 50]), ("regularization", [0.003, 0.01, 0.03]),
                               ("regularization_exponent", [1])])
            return plain + scaled
        case .ease:
            return grid([("regularization", [10, 30, 100, 300, 1000]), ("dropout", [0, 0.1, 0.25, 0.5, 0.75])])
        case .rp3beta:
            return grid([("alpha", [0.5, 0.75, 1]), ("beta", [0, 0.15, 0.3, 0.45, 0.6])])
        case .easeTags:
            let lambda = Double(settings.easeRegularization)
            return grid([("side_weight", [0, 0.03, 0.1, 0.3, 1, 3, 10]), ("regularization", [lambda])])
                + grid([("side_weight", [0.3, 1, 3]), ("regularization", [lambda / 3, lambda * 3])])
        case .rp3betaTags:
            return grid([("side_weight", [0, 0.03, 0.1, 0.3, 1, 3, 10])])
        case .blend:
            return grid([("ease_weight", [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1])])
        default:
            return []
        }
    }

    /// The defaults as a point of the search, for the comparison each outcome reports.
    static func defaults(_ algorithm: Algorithm, _ settings: HarnessSettings) -> [String: Double] {
        switch algorithm {
        case .wrmf:
            ["factors": Double(settings.factors), "alpha": Double(settings.alpha),
             "regularization": Double(settings.regularization), "regularization_exponent": Double(settings.regularizationExponent)]
        case .ease: ["regularization": Double(settings.easeRegularization), "dropout": Double(settings.easeDropout)]
        case .easeTags: ["side_weight": Double(settings.easeSideWeight), "regularization": Double(settings.easeLambda(tags: true))]
        case .rp3beta: ["alpha": Double(settings.rp3Alpha), "beta": Double(settings.rp3Beta)]
        case .rp3betaTags: ["side_weight": Double(settings.rp3SideWeight)]
        case .blend: ["ease_weight": Double(settings.blendWeight)]
        default: [:]
        }
    }

    /// `settings` with one point applied.
    public static func applying(_ point: [String: Double], to settings: HarnessSettings, algorithm: Algorithm) -> HarnessSettings {
        var settings = settings
        for (name, value) in point {
            switch (algorithm, name) {
            case (.wrmf, "factors"): settings.factors = Int(value)
            case (.wrmf, "alpha"): settings.alpha = Float(value)
            case (.wrmf, "regularization"): settings.regularization = Float(value)
            case (.wrmf, "regularization_exponent"): settings.regularizationExponent = Float(value)
            case (.ease, "regularization"): settings.easeRegularization = Float(value)
            case (.easeTags, "regularization"):
                // Its own λ: EASE's stays as EASE's search (or the flag) set it.
                settings.easeTagsRegularization = Float(value) == settings.easeRegularization ? nil : Float(value)
            case (.ease, "dropout"): settings.easeDropout = Float(value)
            case (.easeTags, "side_weight"): settings.easeSideWeight = Float(value)
            case (.rp3beta, "alpha"): settings.rp3Alpha = Float(value)
            case (.rp3beta, "beta"): settings.rp3Beta = Float(value)
            case (.rp3betaTags, "side_weight"): settings.rp3SideWeight = Float(value)
            case (.blend, "ease_weight"): settings.blendWeight = Float(value)
            default: break
            }
        }
        return settings
    }
}
