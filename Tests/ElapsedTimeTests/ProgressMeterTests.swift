import ElapsedTime
import Testing

@Suite struct ProgressMeterTests {
    @Test func aLineSaysTheShareTheCountAndTheTimeLeft() {
        let meter = ProgressMeter("import likes", unit: "rows", total: 200) { _ in }
        #expect(meter.line(50, of: 200, elapsed: 10) == "import likes: 25%, 50/200 rows (10.0 s, about 30 s left)")
        let counting = ProgressMeter("wrmf", unit: "iterations") { _ in }
        #expect(counting.line(3, of: nil, elapsed: 1.5) == "wrmf: 3 iterations (1.5 s, 2 iterations/s)")
        let bytes = ProgressMeter("import likes (f.psv)", unit: "bytes", total: 1000, showsCount: false) { _ in }
        #expect(bytes.line(500, of: 1000, elapsed: 4, detail: "12 rows") == "import likes (f.psv): 50%, 12 rows (4.0 s, about 4 s left)")
    }

    @Test func linesComeNoMoreOftenThanTheInterval() {
        nonisolated(unsafe) var lines: [String] = []
        var meter = ProgressMeter("steps", unit: "steps", total: 1_000, every: .seconds(3600), checkEvery: 1) { lines.append($0) }
        for step in 1...1_000 { meter.update(step) }
        #expect(lines.isEmpty)
        var often = ProgressMeter("steps", unit: "steps", total: 3, every: .zero, checkEvery: 1) { lines.append($0) }
        for step in 1...3 { often.update(step) }
        #expect(lines.count == 3)
        #expect(lines.last?.hasPrefix("steps: 100%, 3/3 steps") == true)
    }
}
