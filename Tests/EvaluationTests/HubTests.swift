import Evaluation
import Testing

@Suite struct HubTests {
    @Test func mostLikedTakesTheShareAskedForWithTiesToTheSmallerId() {
        let counts = ["a": 5, "b": 9, "c": 9, "d": 1]
        #expect(TopicAgreement.mostLiked(likeCounts: counts, percent: 50) == ["b", "c"])
        #expect(TopicAgreement.mostLiked(likeCounts: counts, percent: 0.01) == ["b"])
    }

    @Test func aCarouselWhoseHubsAreOffTopicIsFlagged() {
        // Topics: x for a, b, c; y for d, e. The hub b's list is off topic, the others on topic.
        let topics = ["a": "x", "b": "x", "c": "x", "d": "y", "e": "y"]
        let onTopic = ["a": ["c"], "c": ["a"], "d": ["e"], "e": ["d"]]
        var hubbed = onTopic
        hubbed["b"] = ["d", "e"]
        let lines = TopicAgreement.report(lists: [("fine", onTopic.merging(["b": ["a", "c"]]) { $1 }), ("hubbed", hubbed)],
                                          topics: topics, hubs: ["b"])
        #expect(lines[1] == "hubs: the 1 most-liked models")
        #expect(lines[2].contains("hubs 1.000 of 2") && !lines[2].contains("hub problem"))
        #expect(lines[3].contains("hubs 0.000 of 2") && lines[3].contains("hub problem"))
    }
}
