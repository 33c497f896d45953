import Foundation
import OnlineEvaluation
import SeededRandom
import Testing

@Suite struct OnlineStatisticsTests {
    /// Wilson's interval for 10 of 100 is [0.0552, 0.1744] (Newcombe 1998's table); it never leaves [0, 1].
    @Test func wilsonIntervalMatchesThePublishedValues() throws {
        let interval = try #require(OnlineStatistics.wilsonInterval(successes: 10, trials: 100))
        #expect(abs(interval.lowerBound - 0.0552) < 0.0001)
        #expect(abs(interval.upperBound - 0.1744) < 0.0001)
        let none = try #require(OnlineStatistics.wilsonInterval(successes: 0, trials: 20))
        #expect(none.lowerBound == 0 && none.upperBound > 0.1 && none.upperBound < 0.2)
        #expect(OnlineStatistics.wilsonInterval(successes: 0, trials: 0) == nil)
    }

    /// The exact sign test: 9 wins of 10 gives 2 × 11/1024; an even split gives 1; the normal approximation for
    /// large counts agrees with the exact sum where both apply.
    @Test func signTestIsExactForSmallCountsAndCloseForLargeOnes() {
        #expect(abs(OnlineStatistics.signTestPValue(wins: 9, losses: 1) - 22.0 / 1024) < 1e-12)
        #expect(abs(OnlineStatistics.signTestPValue(wins: 1, losses: 9) - 22.0 / 1024) < 1e-12)
        #expect(OnlineStatistics.signTestPValue(wins: 50, losses: 50) == 1)
        #expect(OnlineStatistics.signTestPValue(wins: 0, losses: 0) == 1)
        let exact = OnlineStatistics.signTestPValue(wins: 100_400, losses: 99_600)
        let approximate = OnlineStatistics.signTestPValue(wins: 100_401, losses: 99_600)
        #expect(exact > 0.07 && exact < 0.08)
        #expect(abs(exact - approximate) < 0.003)
    }

    @Test func holmAdjustmentIsStepDownAndMonotone() {
        let adjusted = OnlineStatistics.holmAdjusted([0.01, 0.04, 0.03])
        #expect(adjusted.map { ($0 * 1000).rounded() / 1000 } == [0.03, 0.06, 0.06])
    }

    /// Under no difference the sign test's verdicts are wrong at most 5% of the time (checked on 2,000 seeded
    /// series of 400 fair page views).
    @Test func signTestHoldsItsLevel() {
        var random = SeededGenerator(seed: 7)
        var rejections = 0
        for _ in 0..<2000 {
            var wins = 0
            for _ in 0..<400 where random.chance(0.5) { wins += 1 }
            if OnlineStatistics.signTestPValue(wins: wins, losses: 400 - wins) < 0.05 { rejections += 1 }
        }
        #expect(rejections <= 100, "\(rejections) of 2000 fair series rejected")
    }

    @Test func decisionsNeededShrinkWithTheEffect() throws {
        let small = try #require(OnlineStatistics.decisionsNeeded(share: 0.52))
        let large = try #require(OnlineStatistics.decisionsNeeded(share: 0.6))
        #expect(large < small)
        #expect((290...300).contains(large))  // ((2.576·0.5 + 0.842·0.49) / 0.1)² ≈ 294
        #expect(OnlineStatistics.decisionsNeeded(share: 0.5) == nil)
    }

    @Test func daysRoundTripThroughTheirDates() {
        #expect(VisitorDay(iso: "1970-01-01")?.number == 0)
        #expect(VisitorDay(iso: "2026-12-05")?.iso == "2026-12-05")
        #expect(VisitorDay(iso: "2024-02-29")?.adding(days: 1).iso == "2024-03-01")
        #expect(VisitorDay(Date(timeIntervalSince1970: 86_400 * 20_000 + 5)).number == 20_000)
        #expect(VisitorDay(iso: "2026-13-01") == nil)
        #expect(VisitorDay(iso: "yesterday") == nil)
    }
}
