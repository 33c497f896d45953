import ElapsedTime
import Foundation
import ParallelWork
import SeededRandom

/// The percentile bootstrap over test users: how far a metric averaged over a few thousand users can move when the
/// users are drawn again, and whether one algorithm's lead over another survives that.
///
/// Resample `r` draws `n` user positions with replacement from its own stream of `seed` (`n` being the length of the
/// series, the number of test users), so it depends on `seed`, `r` and `n` alone: two calls over series of the same
/// users resample the same users, which is what makes a paired ratio paired. Each resample is kept as a count per user
/// and every series is summed against it, so one pass over the resamples serves all algorithms and metrics of a run
/// (`BootstrapResults`).
public struct Bootstrap: Sendable {
    public var resamples: Int
    public var seed: UInt64
    /// Of the percentile intervals: 0.95 takes the 2.5% and 97.5% quantiles of the resampled estimates.
    public var confidence: Double
    /// Workers for the resampling. The results do not depend on it: every resample has its own random stream.
    public var threads: Int

    public init(resamples: Int = 1000, seed: UInt64, confidence: Double = 0.95, threads: Int = 1) {
        self.resamples = max(0, resamples)
        self.seed = seed
        self.confidence = confidence
        self.threads = max(1, threads)
    }

    /// What a paired ratio's interval says about algorithm a against algorithm b.
    public enum Verdict: String, Sendable, CaseIterable {
        /// The whole interval of mean(a) / mean(b) is above 1.
        case ahead
        /// The whole interval is below 1.
        case behind
        /// The interval holds 1 (or there is none): resampling the users can reverse the order.
        case notDistinguishable = "not distinguishable"

        public init(_ interval: Interval) {
            if interval.lowerBound > 1 {
                self = .ahead
            } else if interval.upperBound < 1 {
                self = .behind
            } else {
                self = .notDistinguishable
            }
        }
    }

    /// mean(a) / mean(b) over all test users, with the percentile interval of the same ratio over the resamples.
    public struct PairedRatio: Sendable, Equatable {
        /// NaN when mean(b) is 0.
        public var ratio: Double
        /// NaN bounds when no resample has mean(b) ≠ 0.
        public var interval: Interval
        public var verdict: Verdict

        public init(ratio: Double, interval: Interval) {
            self.ratio = ratio
            self.interval = interval
            verdict = Verdict(interval)
        }
    }

    /// The interval of the mean of `values` (one value per test user).
    public func interval(_ values: [Double]) -> Interval {
        percentileInterval(resampledMeans([values])[0])
    }

    /// mean(a) / mean(b), a and b holding one value per test user in the same user order.
    public func pairedRatio(_ a: [Double], _ b: [Double]) -> PairedRatio {
        precondition(a.count == b.count, "a paired ratio needs both algorithms' values for the same test users")
        let means = resampledMeans([a, b])
        return pairedRatio(meanA: Self.mean(a), meanB: Self.mean(b), resampledA: means[0], resampledB: means[1])
    }

    /// A paired ratio from means already resampled (`resampledMeans`); resamples where mean(b) is 0 are left out.
    public func pairedRatio(meanA: Double, meanB: Double, resampledA: [Double], resampledB: [Double]) -> PairedRatio {
        let ratio = meanB != 0 ? meanA / meanB : .nan
        var ratios: [Double] = []
        ratios.reserveCapacity(min(resampledA.count, resampledB.count))
        for (a, b) in zip(resampledA, resampledB) where b != 0 { ratios.append(a / b) }
        return PairedRatio(ratio: ratio.isFinite ? ratio : .nan, interval: percentileInterval(ratios))
    }

    /// The mean of each series in every resample, as `[series][resample]`. All series hold one value per test user
    /// (the same length); none, or no resamples, gives empty lists.
    public func resampledMeans(_ series: [[Double]]) -> [[Double]] {
        let users = series.first?.count ?? 0
        precondition(series.allSatisfy { $0.count == users }, "every bootstrap series needs one value per test user")
        guard resamples > 0, users > 0 else { return series.map { _ in [] } }
        let resamples = self.resamples, seed = self.seed, seriesCount = series.count
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: seriesCount * resamples)
        storage.initialize(repeating: 0)
        defer { storage.deallocate() }
        nonisolated(unsafe) let output = storage
        Parallel.forEachShare(of: resamples, workers: min(threads, resamples)) { range, _ in
            var counts = [Double](repeating: 0, count: users)
            counts.withUnsafeMutableBufferPointer { weights in
                for resample in range {
                    Self.drawCounts(into: weights, seed: seed, resample: resample)
                    for index in 0..<seriesCount {
                        let sum = series[index].withUnsafeBufferPointer { Self.weightedSum(UnsafeBufferPointer(weights), $0) }
                        output[index * resamples + resample] = sum / Double(users)
                    }
                }
            }
        }
        return (0..<seriesCount).map { index in Array(storage[(index * resamples)..<((index + 1) * resamples)]) }
    }

    /// The percentile interval of bootstrap estimates (the non-finite ones left out); NaN bounds when none is left.
    public func percentileInterval(_ estimates: [Double]) -> Interval {
        let sorted = estimates.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return Self.undefinedInterval }
        let level = confidence.isFinite ? min(1, max(0, confidence)) : 0.95
        let tail = (1 - level) / 2
        let lower = Self.quantile(sorted, tail), upper = Self.quantile(sorted, 1 - tail)
        return Interval(min(lower, upper), max(lower, upper))
    }

    /// The mean and the sample standard deviation (n − 1; 0 for a single value), e.g. of a metric over split seeds.
    public static func meanAndSpread(_ xs: [Double]) -> (mean: Double, standardDeviation: Double) {
        guard !xs.isEmpty else { return (.nan, .nan) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        guard xs.count > 1 else { return (mean, 0) }
        let squares = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / Double(xs.count - 1)).squareRoot())
    }

    /// An interval with NaN bounds: what there is when nothing could be estimated.
    public static let undefinedInterval = Interval(.nan, .nan)

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// Linear interpolation between the closest ranks of `sorted` (non-empty), `p` in [0, 1].
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = min(1, max(0, p)) * Double(sorted.count - 1)
        let below = min(sorted.count - 1, Int(position.rounded(.down)))
        let above = min(sorted.count - 1, below + 1)
        let value = sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
        return min(max(value, sorted[below]), sorted[above])
    }

    /// How often resample `resample` draws each user: `weights.count` draws with replacement.
    static func drawCounts(into weights: UnsafeMutableBufferPointer<Double>, seed: UInt64, resample: Int) {
        let users = weights.count
        for index in 0..<users { weights[index] = 0 }
        var generator = SeededGenerator(seed: seed, stream: UInt64(resample))
        for _ in 0..<users { weights[generator.below(users)] += 1 }
    }

    /// Σ weights[i] · values[i], in four interleaved partial sums so the additions do not wait on each other. The
    /// order is fixed, so the result is the same on every run.
    static func weightedSum(_ weights: UnsafeBufferPointer<Double>, _ values: UnsafeBufferPointer<Double>) -> Double {
        let count = min(weights.count, values.count)
        var sum0 = 0.0, sum1 = 0.0, sum2 = 0.0, sum3 = 0.0
        var index = 0
        while index + 4 <= count {
            sum0 += weights[index] * values[index]
            sum1 += weights[index + 1] * values[index + 1]
            sum2 += weights[index + 2] * values[index + 2]
            sum3 += weights[index + 3] * values[index + 3]
            index += 4
        }
        while index < count {
            sum0 += weights[index] * values[index]
            index += 1
        }
        return (sum0 + sum1) + (sum2 + sum3)
    }
}

/// A run's bootstrap: every algorithm's per-user metrics resampled in one pass over the same resampled users, so that
/// each interval and each paired ratio of the run (any pair, any metric) is read off the same draws.
public struct BootstrapResults: Sendable {
    public struct Key: Hashable, Sendable {
        public var algorithm: String
        public var metric: String
        public init(algorithm: String, metric: String) {
            self.algorithm = algorithm
            self.metric = metric
        }
    }

    public var bootstrap: Bootstrap
    /// The algorithms with per-user values, in the reports' order.
    public var algorithms: [String]
    public var metrics: [String]
    public var testUsers: Int
    /// How long the resampling took.
    public var seconds: Double
    var means: [Key: Double]
    var resampled: [Key: [Double]]
    var intervals: [Key: Interval]

    /// The series are the reports' `metrics.perUser[metric]`; a report without them (or with another number of
    /// test users than the first report that has them) gets no interval and no ratio.
    public init(_ reports: [AlgorithmReport], bootstrap: Bootstrap, metrics: [String] = MetricSet.perUserKeys) {
        let clock = ContinuousClock()
        let start = clock.now
        var users = 0
        search: for report in reports {
            for metric in metrics {
                if let count = report.metrics.perUser[metric]?.count, count > 0 {
                    users = count
                    break search
                }
            }
        }
        var keys: [Key] = [], series: [[Double]] = [], names: [String] = []
        for report in reports where !names.contains(report.name) {
            var complete = false
            for metric in metrics {
                guard users > 0, let values = report.metrics.perUser[metric], values.count == users else { continue }
                keys.append(Key(algorithm: report.name, metric: metric))
                series.append(values)
                complete = true
            }
            if complete { names.append(report.name) }
        }
        let draws = bootstrap.resampledMeans(series)
        var means: [Key: Double] = [:], resampled: [Key: [Double]] = [:], intervals: [Key: Interval] = [:]
        for (index, key) in keys.enumerated() {
            means[key] = Bootstrap.mean(series[index])
            resampled[key] = draws[index]
            if bootstrap.resamples > 0 { intervals[key] = bootstrap.percentileInterval(draws[index]) }
        }
        self.bootstrap = bootstrap
        self.metrics = metrics
        self.testUsers = users
        self.algorithms = names
        self.means = means
        self.resampled = resampled
        self.intervals = intervals
        self.seconds = (clock.now - start).inSeconds
    }

    /// The mean over all test users.
    public func mean(_ algorithm: String, _ metric: String) -> Double? {
        means[Key(algorithm: algorithm, metric: metric)]
    }

    /// The percentile interval of the mean; nil without resamples or per-user values.
    public func interval(_ algorithm: String, _ metric: String) -> Interval? {
        intervals[Key(algorithm: algorithm, metric: metric)]
    }

    /// mean(a) / mean(b) of `metric` with its paired interval; nil without resamples or per-user values.
    public func pairedRatio(_ a: String, _ b: String, metric: String) -> Bootstrap.PairedRatio? {
        let keyA = Key(algorithm: a, metric: metric), keyB = Key(algorithm: b, metric: metric)
        guard bootstrap.resamples > 0, let meanA = means[keyA], let meanB = means[keyB],
              let resampledA = resampled[keyA], let resampledB = resampled[keyB] else { return nil }
        return bootstrap.pairedRatio(meanA: meanA, meanB: meanB, resampledA: resampledA, resampledB: resampledB)
    }
}

/// `evaluate --split-seeds`: the whole evaluation repeated on one split per seed. Each metric's mean and spread over
/// the seeds, and for every ordered pair of algorithms the ratio of their means per seed and the bootstrap's verdict.
public struct SplitSeedSummary: Sendable {
    public struct Spread: Sendable {
        /// One per seed, in the seeds' order.
        public var values: [Double]
        public var mean: Double
        public var standardDeviation: Double
    }

    public struct Pair: Sendable {
        public var a: String
        public var b: String
        public var metric: String
        /// mean(a) / mean(b) per seed (NaN where mean(b) is 0).
        public var ratios: [Double]
        /// The mean of the finite ratios (NaN when none is).
        public var meanRatio: Double
        /// The bootstrap's verdict per seed; empty when the runs had no resamples.
        public var verdicts: [Bootstrap.Verdict]
        public var ahead: Int { verdicts.filter { $0 == .ahead }.count }
        public var behind: Int { verdicts.filter { $0 == .behind }.count }
    }

    public var seeds: [UInt64]
    /// The first run's algorithms, in its order.
    public var algorithms: [String]
    public var metrics: [String]
    /// Algorithm, then metric.
    public var spreads: [String: [String: Spread]]
    /// Every ordered pair of different algorithms, for every metric.
    public var pairs: [Pair]

    /// `runs` holds one run per seed, in the seeds' order.
    public init(seeds: [UInt64], runs: [(reports: [AlgorithmReport], uncertainty: BootstrapResults?)],
                metrics: [String] = EvaluationReports.comparedMetrics) {
        self.seeds = seeds
        self.metrics = metrics
        var names: [String] = []
        for report in runs.first?.reports ?? [] where !names.contains(report.name) { names.append(report.name) }
        algorithms = names
        func value(_ run: (reports: [AlgorithmReport], uncertainty: BootstrapResults?), _ algorithm: String, _ metric: String) -> Double? {
            run.reports.first { $0.name == algorithm }?.metrics.values[metric]
        }
        var spreads: [String: [String: Spread]] = [:]
        for algorithm in names {
            for metric in metrics {
                let values = runs.compactMap { value($0, algorithm, metric) }
                guard !values.isEmpty else { continue }
                let (mean, deviation) = Bootstrap.meanAndSpread(values)
                spreads[algorithm, default: [:]][metric] = Spread(values: values, mean: mean, standardDeviation: deviation)
            }
        }
        self.spreads = spreads
        var pairs: [Pair] = []
        for a in names {
            for b in names where b != a {
                for metric in metrics {
                    var ratios: [Double] = [], verdicts: [Bootstrap.Verdict] = []
                    for run in runs {
                        guard let meanA = value(run, a, metric), let meanB = value(run, b, metric) else { continue }
                        ratios.append(meanB != 0 && (meanA / meanB).isFinite ? meanA / meanB : .nan)
                        if let paired = run.uncertainty?.pairedRatio(a, b, metric: metric) { verdicts.append(paired.verdict) }
                    }
                    guard !ratios.isEmpty else { continue }
                    let finite = ratios.filter(\.isFinite)
                    pairs.append(Pair(a: a, b: b, metric: metric, ratios: ratios,
                                      meanRatio: finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count),
                                      verdicts: verdicts))
                }
            }
        }
        self.pairs = pairs
    }

    public func spread(_ algorithm: String, _ metric: String) -> Spread? {
        spreads[algorithm]?[metric]
    }

    public func pair(_ a: String, _ b: String, metric: String) -> Pair? {
        pairs.first { $0.a == a && $0.b == b && $0.metric == metric }
    }

    /// The `split_seeds` section of the JSON results.
    var json: [String: Any] {
        var perAlgorithm: [String: Any] = [:]
        for algorithm in algorithms {
            var perMetric: [String: Any] = [:]
            for metric in metrics {
                guard let found = spread(algorithm, metric) else { continue }
                perMetric[metric] = ["mean": EvaluationReports.jsonNumber(found.mean),
                                     "sd": EvaluationReports.jsonNumber(found.standardDeviation),
                                     "values": found.values.map { EvaluationReports.jsonNumber($0) }] as [String: Any]
            }
            perAlgorithm[algorithm] = perMetric
        }
        let comparisons: [[String: Any]] = pairs.map { pair in
            var entry: [String: Any] = ["a": pair.a, "b": pair.b, "metric": pair.metric,
                                        "ratio_mean": EvaluationReports.jsonNumber(pair.meanRatio),
                                        "ratios": pair.ratios.map { EvaluationReports.jsonNumber($0) }]
            if !pair.verdicts.isEmpty {
                entry["ahead"] = pair.ahead
                entry["behind"] = pair.behind
                entry["verdicts"] = pair.verdicts.map(\.rawValue)
            }
            return entry
        }
        return ["seeds": seeds, "algorithms": perAlgorithm, "comparisons": comparisons]
    }
}

/// A confidence interval. Not a `ClosedRange`: an interval that could not be estimated has NaN bounds, which a
/// range refuses.
public struct Interval: Sendable, Equatable, CustomStringConvertible {
    public var lowerBound: Double
    public var upperBound: Double
    public init(_ lowerBound: Double, _ upperBound: Double) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }
    public func contains(_ value: Double) -> Bool { lowerBound <= value && value <= upperBound }
    public var description: String { "[\(lowerBound), \(upperBound)]" }
}
