import AlgorithmIdentity
import Foundation

/// How long choosing settings per catalogue may take.
public enum TuneBudget: Sendable, Equatable, CustomStringConvertible {
    /// Each algorithm's search may take as long as one full fit of it is estimated to take (at least 15 s), so tuning
    /// at most doubles training time.
    case automatic
    /// This many seconds in all, shared equally by the algorithms searched.
    case seconds(Double)
    /// Fixed settings.
    case off

    public var description: String {
        switch self {
        case .automatic: "auto (each search up to one full fit's estimated time, at least 15 s)"
        case .seconds(let seconds): String(format: "%.0f s", seconds)
        case .off: "0 (fixed settings)"
        }
    }
}

/// One algorithm's search: what it tried, what it chose, how long it took.
public struct SettingsSearchOutcome: Sendable {
    public struct Trial: Sendable {
        public var settings: [String: Double]
        public var precision: Double
        public var seconds: Double
        /// The successive-halving rung it reached (WRMF), 0 elsewhere.
        public var rung: Int
        /// Each validation user's precision@10, for the paired comparison that keeps tags out unless they help.
        var perUser: [Double] = []
    }
    public var algorithm: Algorithm
    public var chosen: [String: Double]
    /// Validation precision@10 of the chosen settings and of the fixed defaults.
    public var precision: Double
    public var defaultPrecision: Double
    public var trials: [Trial]
    public var seconds: Double
    public var budgetSeconds: Double
    public var validationUsers: Int
    /// The items the search ran on (the most-liked ones when the catalogue is large).
    public var items: Int
    public var method: String
    /// When the best tag weight (or blend weight) was not ahead of the model without tags (or of the better part
    /// alone) beyond noise: that comparison, and the simpler model was kept.
    public var keptOut: String?
    /// Set when the budget ran out before the defaults were even scored: the defaults are kept.
    public var keptDefaults: Bool

    /// A line for the run's parameters and the evaluation page.
    public var summary: String {
        let chosenText = chosen.keys.sorted().map { "\($0) \(Self.format(chosen[$0]!))" }.joined(separator: ", ")
        if keptDefaults || trials.count <= 1 {
            return String(format: "the budget (%.1f s) was too small to search beyond the defaults: fixed defaults kept (precision@10 %.4f on a validation split of %d users)",
                          budgetSeconds, defaultPrecision, validationUsers)
        }
        return String(format: "chosen on a validation split of the training likes (%d users, %d items): %@; precision@10 %.4f against %.4f at the defaults; %d settings tried by %@ in %.1f s of a %.0f s budget",
                      validationUsers, items, chosenText, precision, defaultPrecision, trials.count, method, seconds, budgetSeconds)
            + (keptOut.map { "; \($0)" } ?? "")
    }

    /// As stored with an evaluation run, for /evaluation.
    public var json: [String: Any] {
        ["algorithm": algorithm.rawValue, "chosen": chosen, "precision@10": precision, "default_precision@10": defaultPrecision,
         "seconds": seconds, "budget_seconds": budgetSeconds, "validation_users": validationUsers, "items": items,
         "method": method, "kept_defaults": keptDefaults,
         "trials": trials.map { ["settings": $0.settings, "precision@10": $0.precision, "seconds": $0.seconds, "rung": $0.rung] as [String: Any] }]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%g", value)
    }
}
