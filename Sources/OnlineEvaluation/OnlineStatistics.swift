import Foundation

/// The few tests the online report needs, in closed form.
public enum OnlineStatistics {
    /// z for a two-sided 95% interval, for a two-sided test at 1% (the report's level), and for 80% power.
    static let z95 = 1.959_963_984_540_054
    static let z99 = 2.575_829_303_548_901
    static let z80 = 0.841_621_233_572_914_3

    /// Wilson's score interval for `successes` of `trials` at 95%: unlike the normal approximation it stays inside
    /// [0, 1] and is honest for rates near 0, which click-through rates are. Nil without trials.
    public static func wilsonInterval(successes: Int, trials: Int) -> ClosedRange<Double>? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(min(successes, trials)) / n, z2 = z95 * z95
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z95 * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()) / (1 + z2 / n)
        return max(0, centre - half)...min(1, centre + half)
    }

    /// The two-sided exact binomial (sign) test of `wins` against `losses` under "each page view is a coin toss":
    /// the probability of a split at least this uneven. Ties carry no information and are left out.
    public static func signTestPValue(wins: Int, losses: Int) -> Double {
        let n = wins + losses
        guard n > 0 else { return 1 }
        let k = min(wins, losses)
        if n > 200_000 {
            // The normal approximation with continuity correction: the exact sum would walk k terms.
            let z = (Double(n) / 2 - Double(k) - 0.5) / (Double(n).squareRoot() / 2)
            return min(1, erfc(max(0, z) / 2.0.squareRoot()))
        }
        // Σ_{i ≤ k} C(n, i) / 2^n, summed in logs (2^-n underflows from n ≈ 1075).
        var logTerm = -Double(n) * log(2.0), logSum = logTerm
        for i in 0..<k {
            logTerm += log(Double(n - i)) - log(Double(i + 1))
            let high = max(logSum, logTerm)
            logSum = high + log(exp(logSum - high) + exp(logTerm - high))
        }
        return min(1, 2 * exp(logSum))
    }

    /// Holm's step-down adjustment: p-values that can be compared with the level however many pairs are tested at once.
    public static func holmAdjusted(_ pValues: [Double]) -> [Double] {
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = pValues, running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(pValues.count - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// How many decided page views (a win or a loss) a sign test needs to find a preference of `share` (the
    /// winner's share of them) at the 1% level with 80% power; nil when there is no preference to find.
    public static func decisionsNeeded(share: Double) -> Int? {
        let effect = abs(share - 0.5)
        guard effect > 1e-9, share > 0, share < 1 else { return nil }
        let numerator = z99 * 0.5 + z80 * (share * (1 - share)).squareRoot()
        return Int((numerator / effect * numerator / effect).rounded(.up))
    }
}
