import Foundation

/// Progress through a long stage as lines at a steady pace: done / total, the rate, and the time left at that
/// rate. It reads the clock once per `checkEvery` steps, so counting per row costs next to nothing.
public struct ProgressMeter {
    public let label: String
    public let unit: String
    public var total: Int?
    private let interval: Duration
    private let report: (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastReport: ContinuousClock.Instant
    private var sinceCheck = 0
    private let checkEvery: Int
    /// Whether lines show the count itself (rows) or only the share (bytes of a file).
    private let showsCount: Bool

    public init(_ label: String, unit: String, total: Int? = nil, every interval: Duration = .seconds(5),
                checkEvery: Int = 4096, showsCount: Bool = true, report: @escaping (String) -> Void) {
        self.showsCount = showsCount
        self.label = label
        self.unit = unit
        self.total = total
        self.interval = interval
        self.report = report
        self.checkEvery = max(1, checkEvery)
        start = clock.now
        lastReport = start
    }

    /// Reports `done` (and, with a total, the share and the time left) when `interval` has passed since the last line.
    public mutating func update(_ done: Int, of total: Int? = nil, detail: @autoclosure () -> String = "") {
        sinceCheck += 1
        guard sinceCheck >= checkEvery else { return }
        sinceCheck = 0
        let now = clock.now
        guard now - lastReport >= interval else { return }
        lastReport = now
        report(line(done, of: total ?? self.total, elapsed: (now - start).inSeconds, detail: detail()))
    }

    /// "import likes: 41%, 5120000 rows (12.0 s, about 17 s left)", or without a total "wrmf: 40 rows (3.0 s, 13 rows/s)".
    public func line(_ done: Int, of total: Int?, elapsed: Double, detail: String = "") -> String {
        var parts: [String] = []
        if let total, total > 0 { parts.append(String(format: "%.0f%%", Double(done) / Double(total) * 100)) }
        if showsCount { parts.append(total.map { "\(done)/\($0) \(unit)" } ?? "\(done) \(unit)") }
        if !detail.isEmpty { parts.append(detail) }
        var text = "\(label): " + parts.joined(separator: ", ")
        if let total, total > 0 {
            let share = Double(done) / Double(total)
            text += String(format: " (%.1f s", elapsed)
            if share > 0.001 { text += String(format: ", about %.0f s left", elapsed * (1 - share) / share) }
            text += ")"
        } else {
            text += String(format: " (%.1f s, %.0f %@/s)", elapsed, Double(done) / max(elapsed, 1e-9), unit)
        }
        return text
    }
}
