import Foundation
import SketchfabAPI
import Testing

/// Sketchfab's answers as they really are, written from the Data API's description and a real search result.
@Suite struct SketchfabAPITests {
    /// A list page with every field a real model object carries, one model with a tag that has no name, null sizes,
    /// empty categories, no thumbnails, and two results that lack what a model needs.
    static let realisticPage = """
        {"next": "https://api.sketchfab.com/v3/search?cursor=bz0yNA%3D%3D&count=24&type=models&sort_by=-likeCount",
         "previous": null, "cursors": {"next": "bz0yNA==", "previous": null},
         "results": [
          {"uri": "https://api.sketchfab.com/v3/models/5dcebcfaedbd4e7b8a27bd1ae55f1ac3", "uid": "5dcebcfaedbd4e7b8a27bd1ae55f1ac3",
           "name": "Dragon | Skull", "viewCount": 120345, "likeCount": 3012, "animationCount": 0, "commentCount": 88,
           "viewerUrl": "https://sketchfab.com/3d-models/dragon-skull-5dcebcfaedbd4e7b8a27bd1ae55f1ac3",
           "embedUrl": "https://sketchfab.com/models/5dcebcfaedbd4e7b8a27bd1ae55f1ac3/embed", "isDownloadable": true,
           "publishedAt": "2021-03-18T09:36:25.430631", "createdAt": "2021-03-18T09:36:25.430631", "staffpickedAt": null,
           "tags": [{"name": "dragon", "slug": "dragon", "uri": "https://api.sketchfab.com/v3/tags/dragon"},
                    {"slug": "skull", "uri": "https://api.sketchfab.com/v3/tags/skull"}],
           "categories": [{"uri": "https://api.sketchfab.com/v3/categories/x", "uid": "c1", "name": "Animals & Pets", "slug": "animals-pets"}],
           "thumbnails": {"images": [
             {"uid": "a", "size": 181042, "width": 1920, "url": "https://media.sketchfab.com/t/1920x1080.jpeg", "height": 1080},
             {"uid": "b", "size": null, "width": 1024, "url": "https://media.sketchfab.com/t/1024x576.jpeg", "height": 576},
             {"uid": "c", "size": 30000, "width": 720, "url": "https://media.sketchfab.com/t/720x405.jpeg", "height": 405},
             {"uid": "d", "size": 9000, "width": 256, "url": "https://media.sketchfab.com/t/256x144.jpeg", "height": 144},
             {"uid": "e", "size": null, "width": 64, "url": "https://media.sketchfab.com/t/64x36.jpeg", "height": 36}]},
           "user": {"uid": "u1", "username": "artist", "displayName": "The Artist", "profileUrl": "https://sketchfab.com/artist",
                    "account": "pro", "avatar": {"uri": "https://api.sketchfab.com/v3/avatars/x", "images": [{"url": "https://a/32.jpg", "width": 32, "height": 32, "size": 1200}]},
                    "uri": "https://api.sketchfab.com/v3/users/u1"},
           "description": "<p>An <b>old</b> skull</p>", "faceCount": 120000, "vertexCount": 60123, "isAgeRestricted": false,
           "archives": {"glb": {"size": 1234567, "type": "glb", "textureCount": 3, "textureMaxResolution": 4096, "faceCount": 120000, "vertexCount": 60123},
                        "gltf": null, "source": {"size": 99, "type": "source"}, "usdz": null},
           "license": {"label": "CC Attribution", "uri": "https://api.sketchfab.com/v3/licenses/1"}},
          {"uid": "00112233445566778899aabbccddeeff", "name": "No pictures", "likeCount": 12, "categories": [], "tags": [],
           "thumbnails": null, "user": null, "staffpickedAt": null, "archives": {"glb": null, "gltf": null, "source": null, "usdz": null}},
          {"name": "No uid at all", "likeCount": 10},
          {"uid": "ffeeddccbbaa99887766554433221100", "likeCount": 9}
         ]}
        """

    @Test func aRealisticPageDecodesAndItsBrokenResultsAreCounted() throws {
        let page = try JSONDecoder().decode(ModelListPage.self, from: Data(Self.realisticPage.utf8))
        #expect(page.results.map(\.uid) == ["5dcebcfaedbd4e7b8a27bd1ae55f1ac3", "00112233445566778899aabbccddeeff"])
        #expect(page.skipped == 2, "no uid, no name")
        #expect(page.next?.hasPrefix("https://api.sketchfab.com/v3/search?cursor=") == true && page.cursors?.next == "bz0yNA==")
        let dragon = page.results[0]
        #expect(dragon.name == "Dragon | Skull" && dragon.likeCount == 3012 && dragon.createdAt == "2021-03-18T09:36:25.430631")
        #expect(dragon.tags.map(\.label) == ["dragon", "skull"], "a tag without a name falls back to its slug")
        #expect(dragon.categories.map(\.label) == ["animals-pets"])
        #expect(dragon.user == SketchfabModel.User(uid: "u1", username: "artist"))
        #expect(dragon.thumbnails?.images.count == 5 && dragon.thumbnails?.images[1].size == nil)
        #expect(dragon.thumbnail()?.url == "https://media.sketchfab.com/t/720x405.jpeg", "smallest with both sides ≥ 200")
        #expect(dragon.thumbnail(side: 1200)?.url == "https://media.sketchfab.com/t/1920x1080.jpeg", "else the largest")
        #expect(page.results[1].thumbnail() == nil && page.results[1].tags.isEmpty && page.results[1].categories.isEmpty)
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("0.5", now: now) == .milliseconds(500))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero, "a date in the past: retry now")
        for garbage in ["soon", "-5", "inf", "nan", "", "1e300"] { #expect(RetryAfter.parse(garbage, now: now) == nil, "\(garbage)") }
    }

    @Test func theUserAgentNamesWhoRunsTheCrawler() {
        let real = SketchfabClientConfiguration(contact: "ops@example.org")
        #expect(real.userAgent == "RecASketch/\(SketchfabClientConfiguration.version) (+ops@example.org)")
        #expect(real.needsContact && real.requestsPerSecond == 2, "the real API, at 2 requests a second by default")
        for local in ["http://127.0.0.1:9000", "http://localhost:8091", "http://[::1]:80"] {
            #expect(!SketchfabClientConfiguration(apiBase: local).needsContact, "\(local)")
        }
        #expect(SketchfabClientConfiguration(apiBase: "https://api.sketchfab.com").needsContact)
    }
}
