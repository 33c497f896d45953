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

    @Test(.timeLimit(.minutes(1)))
    func eachSearchKeepsTheDefaultsAmongItsCandidatesAndNeverChoosesWorse() throws {
        let selection = SettingsSelection(budget: .automatic, base: Self.base)
        let (settings, outcomes) = try selection.choose([.wrmf, .ease, .easeTags, .rp3beta, .rp3betaTags], train: Self.matrix,
                                                        sideFeatures: Self.tags)
        #expect(outcomes.map(\.algorithm) == [.ease, .easeTags, .rp3beta, .rp3betaTags, .wrmf])
        for outcome in outcomes {
            #expect(!outcome.keptDefaults)
            #expect(outcome.precision >= outcome.defaultPrecision, "\(outcome.algorithm.rawValue)")
            #expect(outcome.trials.count > 1)
            #expect(outcome.summary.contains("validation split"))
        }
        let tags = try #require(outcomes.first { $0.algorithm == .easeTags })
        #expect(tags.trials.contains { $0.settings["side_weight"] == 0 }, "the tag-free model is a candidate")
        let ease = try #require(outcomes.first { $0.algorithm == .ease })
        #expect(Double(settings.easeRegularization) == ease.chosen["regularization"])
        #expect(Double(settings.easeDropout) == ease.chosen["dropout"])
        // WRMF: successive halving, so fewer trials reach the last rung than start.
        let wrmf = try #require(outcomes.first { $0.algorithm == .wrmf })
        let rungs = Dictionary(grouping: wrmf.trials, by: \.rung).mapValues(\.count)
        #expect(rungs[0]! > rungs[rungs.keys.max()!]!)
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
