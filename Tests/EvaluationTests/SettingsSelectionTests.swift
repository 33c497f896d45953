import AlgorithmIdentity
import Evaluation
import Foundation
import Recommenders
import SeededRandom
import Testing

@Suite struct SettingsSelectionTests {
    /// 120 users over 60 items in three groups, liked mostly within the group, every user with 10–20 likes; items
    /// carry their group's tag.
    static let matrix: InteractionMatrix = {
        var random = SeededGenerator(seed: 3)
        var pairs: [(user: Int32, item: Int32)] = []
        for user in 0..<120 {
            let group = user % 3
            var liked = Set<Int32>()
            let count = 10 + random.below(11)
            while liked.count < count {
                let item = random.chance(0.8) ? group * 20 + random.below(20) : random.below(60)
                liked.insert(Int32(item))
            }
            pairs += liked.map { (Int32(user), $0) }
        }
        return InteractionMatrix(userCount: 120, itemCount: 60, pairs: pairs)
    }()
    static let tags: [(item: Int, feature: String, weight: Float)] = (0..<60).map { ($0, "group\($0 / 20)", 1) }

    static var base: HarnessSettings {
        var settings = HarnessSettings()
        settings.threads = 2
        settings.iterations = 8
        return settings
    }

    @Test func theValidationSplitIsCarvedFromTheTrainingLikesOnly() {
        let (fit, validation) = SettingsSelection.carve(Self.matrix, seed: 9)
        #expect(fit.interactionCount + validation.interactionCount == Self.matrix.interactionCount)
        let users = (0..<120).filter { validation.userDegree($0) > 0 }
        #expect(users.count == 120 / 5, "20% of the users with 10 likes or more")
        for user in users {
            #expect(validation.userDegree(user) == 5)
            let training = Set(Self.matrix.items(ofUser: user))
            let kept = Set(fit.items(ofUser: user))
            for item in validation.items(ofUser: user) { #expect(training.contains(item) && !kept.contains(item)) }
        }
        let again = SettingsSelection.carve(Self.matrix, seed: 9).validation
        #expect(again.userItems == validation.userItems, "seeded")
    }

    @Test(.timeLimit(.minutes(2)))
    func eachSearchKeepsTheDefaultsAmongItsCandidatesAndNeverChoosesWorse() throws {
        let selection = SettingsSelection(budget: .seconds(8), base: Self.base)
        let (settings, outcomes) = try selection.choose([.wrmf, .ease, .easeTags, .rp3beta, .rp3betaTags], train: Self.matrix,
                                                        sideFeatures: Self.tags)
        #expect(outcomes.map(\.algorithm) == [.ease, .easeTags, .rp3beta, .rp3betaTags, .wrmf])
        for outcome in outcomes {
            #expect(!outcome.keptDefaults)
            // Never worse than the defaults on validation, unless tags were kept out for not helping beyond noise.
            #expect(outcome.precision >= outcome.defaultPrecision || outcome.keptOut != nil, "\(outcome.algorithm.rawValue)")
            #expect(outcome.trials.count > 1)
            #expect(outcome.summary.contains("validation split"))
        }
        let tags = try #require(outcomes.first { $0.algorithm == .easeTags })
        #expect(tags.trials.contains { $0.settings["side_weight"] == 0 }, "the tag-free model is a candidate")
        let ease = try #require(outcomes.first { $0.algorithm == .ease })
        #expect(Double(settings.easeRegularization) == ease.chosen["regularization"])
        #expect(Double(settings.easeDropout) == ease.chosen["dropout"])
    }

    @Test(.timeLimit(.minutes(2)))
    func wrmfIsSearchedBySuccessiveHalvingWithTheDefaultsCarriedToTheEnd() throws {
        var base = Self.base
        base.iterations = 10
        let (_, outcomes) = try SettingsSelection(budget: .seconds(6), base: base).choose([.wrmf], train: Self.matrix)
        let wrmf = try #require(outcomes.first)
        let rungs = Dictionary(grouping: wrmf.trials, by: \.rung)
        try #require(rungs.keys.sorted() == [0, 1, 2], "three rungs: 3, 7 and then the full 10 iterations")
        #expect(rungs[0]!.count > rungs[1]!.count && rungs[1]!.count >= rungs[2]!.count, "a third go on")
        let defaults = SettingsSelectionTests.defaultsPoint(base)
        #expect(rungs[2]!.contains { $0.settings == defaults }, "the defaults are compared at the last rung")
        #expect(wrmf.method.contains("3, 7, 10 iterations"))
        #expect(wrmf.precision >= wrmf.defaultPrecision)
    }

    @Test(.timeLimit(.minutes(1)))
    func aBudgetSpentInTheFirstRungStillTakesTheDefaultsToTheFullCount() throws {
        var base = Self.base
        base.iterations = 10
        let (_, outcomes) = try SettingsSelection(budget: .seconds(0.001), base: base).choose([.wrmf], train: Self.matrix)
        let wrmf = try #require(outcomes.first)
        let defaults = SettingsSelectionTests.defaultsPoint(base)
        #expect(wrmf.trials.map(\.rung) == [0, 1, 2], "only the defaults, at 3, 7 and 10 iterations")
        #expect(wrmf.trials.allSatisfy { $0.settings == defaults })
        #expect(wrmf.chosen == defaults)
    }

    static func defaultsPoint(_ settings: HarnessSettings) -> [String: Double] {
        ["factors": Double(settings.factors), "alpha": Double(settings.alpha), "regularization": Double(settings.regularization),
         "regularization_exponent": Double(settings.regularizationExponent)]
    }

    @Test func settingsGivenByHandAndAZeroBudgetAreLeftAlone() throws {
        var selection = SettingsSelection(budget: .automatic, base: Self.base)
        selection.pinned = [.wrmf, .rp3beta]
        let (settings, outcomes) = try selection.choose([.wrmf, .rp3beta], train: Self.matrix)
        #expect(outcomes.isEmpty)
        #expect(settings.regularization == Self.base.regularization && settings.rp3Beta == Self.base.rp3Beta)
        let off = try SettingsSelection(budget: .off, base: Self.base).choose([.ease], train: Self.matrix)
        #expect(off.outcomes.isEmpty && off.settings.easeRegularization == Self.base.easeRegularization)
    }

    @Test func aBudgetSpentBeforeTheFirstTrialEndsKeepsWhatItScored() throws {
        // One second shared by two searches: each still scores at least its defaults, never nothing.
        let (_, outcomes) = try SettingsSelection(budget: .seconds(1), base: Self.base).choose([.ease, .rp3beta], train: Self.matrix)
        for outcome in outcomes { #expect(outcome.trials.count >= 1 && outcome.budgetSeconds >= 0.5) }
    }

    @Test func tooFewLikesToHoldOutKeepTheDefaults() throws {
        let sparse = InteractionMatrix(userCount: 5, itemCount: 5, pairs: (0..<5).map { (Int32($0), Int32($0)) })
        var messages: [String] = []
        let (settings, outcomes) = try SettingsSelection(budget: .automatic, base: Self.base)
            .choose([.ease], train: sparse) { messages.append($0) }
        #expect(outcomes.isEmpty && settings.easeRegularization == Self.base.easeRegularization)
        #expect(messages.contains { $0.contains("fixed defaults kept") })
    }
}

@Suite struct BlendTests {
    /// A fixed score per item, for a user.
    struct Fixed: ItemScorer {
        var values: [Float]
        func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
            for (item, value) in values.enumerated() { output[item] = value }
        }
    }

    @Test func eachPartIsStandardisedSoItsUnitsDoNotMatter() {
        let a: [Float] = [3, 1, 2, 0], b: [Float] = [0, 2, 1, 3]
        func blended(_ a: [Float], _ b: [Float], _ weight: Float) -> [Float] {
            var output = [Float](repeating: 0, count: 4)
            output.withUnsafeMutableBufferPointer { BlendScorer(Fixed(values: a), Fixed(values: b), weight: weight, itemCount: 4).scores(user: 0, into: $0) }
            return output
        }
        let plain = blended(a, b, 0.7), rescaled = blended(a.map { $0 * 1000 + 5 }, b.map { $0 / 100 - 2 }, 0.7)
        for item in 0..<4 { #expect(abs(plain[item] - rescaled[item]) < 1e-4) }
        #expect(blended(a, b, 1).enumerated().sorted { $0.element > $1.element }.map(\.offset) == [0, 2, 1, 3], "weight 1 is a alone")
        #expect(blended(a, b, 0).enumerated().sorted { $0.element > $1.element }.map(\.offset) == [3, 1, 2, 0], "weight 0 is b alone")
    }

    @Test(.timeLimit(.minutes(2)))
    func aBlendIsSearchedAfterItsPartsAndKeptOnlyWhenItHelps() throws {
        let (settings, outcomes) = try SettingsSelection(budget: .seconds(6), base: SettingsSelectionTests.base)
            .choose([.blend], train: SettingsSelectionTests.matrix)
        #expect(outcomes.map(\.algorithm) == [.ease, .wrmf, .blend], "the parts' settings first")
        let blend = try #require(outcomes.last)
        #expect(blend.trials.map { $0.settings["ease_weight"]! }.sorted() == [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1])
        let weight = try #require(blend.chosen["ease_weight"])
        #expect(Double(settings.blendWeight) == weight)
        // A weight strictly inside (0, 1) only survives the paired comparison; otherwise one part alone, said so.
        #expect(weight == 0 || weight == 1 || blend.keptOut == nil)
        if let note = blend.keptOut { #expect(note.contains("not ahead beyond noise")) }
    }
}
