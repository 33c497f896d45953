import CatalogFiles
import Testing

@Suite struct ModelIDTests {
    @Test(arguments: ["0dea8bff43c34e97a830801fd534528b", "b7LzIm8JrnPw4GBDOMBNGYc39qM", "b7LzIm8JrnPw4GBDOMBNGYc39q"])
    func acceptsBothForms(text: String) { #expect(ModelID(text) != nil) }

    @Test(arguments: ["", "0DEA8BFF43C34E97A830801FD534528B", "0dea8bff43c34e97a830801fd534528", "0dea8bff43c34e97a830801fd534528bb",
                      "b7LzIm8JrnPw4GBDOMBNGYc3", "b7LzIm8JrnPw4GBDOMBNGYc39qM12", "b7LzIm8JrnPw4GB-OMBNGYc39qM",
                      "0dea8bff43c34e97a830801fd534528g", "../../../../etc/passwd", "<script>alert(1)</script>xxxxxxxx"])
    func rejectsEverythingElse(text: String) {
        #expect(ModelID(text) == nil)
        #expect(ModelID.problem(with: text) != nil)
    }
}

@Suite struct SketchfabLinkTests {
    static let mid = "0dea8bff43c34e97a830801fd534528b"

    @Test(arguments: [
        "https://sketchfab.com/models/0dea8bff43c34e97a830801fd534528b",
        "https://sketchfab.com/models/0dea8bff43c34e97a830801fd534528b/",
        "https://sketchfab.com/models/0dea8bff43c34e97a830801fd534528b/embed?autostart=1",
        "http://www.sketchfab.com/models/0dea8bff43c34e97a830801fd534528b?utm_source=x#top",
        "sketchfab.com/models/0dea8bff43c34e97a830801fd534528b",
        "https://sketchfab.com/3d-models/overwatch-dva-fan-art-0dea8bff43c34e97a830801fd534528b",
        "https://sketchfab.com/3d-models/overwatch-dva-fan-art-0dea8bff43c34e97a830801fd534528b/",
        "https://sketchfab.com/3d-models/overwatch-dva-fan-art-0dea8bff43c34e97a830801fd534528b?ref=related",
        "  https://SKETCHFAB.com/3d-models/x-0dea8bff43c34e97a830801fd534528b  ",
        "/models/0dea8bff43c34e97a830801fd534528b",
        "0dea8bff43c34e97a830801fd534528b",
    ])
    func readsTheModelID(link: String) throws {
        #expect(try SketchfabLink.modelID(from: link).get().rawValue == Self.mid)
    }

    @Test func readsOldStyleIDs() throws {
        #expect(try SketchfabLink.modelID(from: "https://sketchfab.com/models/b7LzIm8JrnPw4GBDOMBNGYc39qM").get().rawValue
                == "b7LzIm8JrnPw4GBDOMBNGYc39qM")
        #expect(try SketchfabLink.modelID(from: "https://sketchfab.com/3d-models/old-b7LzIm8JrnPw4GBDOMBNGYc39qM").get().rawValue
                == "b7LzIm8JrnPw4GBDOMBNGYc39qM")
    }

    @Test(arguments: [
        ("", SketchfabLink.Problem.empty),
        ("   ", .empty),
        ("nolink", .notSketchfab(host: "nolink")),
        ("https://evil.example/models/0dea8bff43c34e97a830801fd534528b", .notSketchfab(host: "evil.example")),
        ("https://sketchfab.com.evil.example/models/0dea8bff43c34e97a830801fd534528b", .notSketchfab(host: "sketchfab.com.evil.example")),
        ("javascript:alert(1)", .notSketchfab(host: "javascript")),
        ("https://sketchfab.com/", .noModelInPath),
        ("https://sketchfab.com/models/", .noModelInPath),
        ("https://sketchfab.com/feed", .noModelInPath),
        ("https://sketchfab.com/models/not-a-model", .badModelID("not-a-model")),
        ("https://sketchfab.com/3d-models/just-a-slug", .badModelID("slug")),
        ("https://sketchfab.com/models/%3Cscript%3E", .badModelID("%3Cscript%3E")),
    ])
    func explainsWhatIsWrong(link: String, problem: SketchfabLink.Problem) {
        #expect(throws: problem) { try SketchfabLink.modelID(from: link).get() }
    }

    @Test func rejectsHugeInput() {
        #expect(throws: SketchfabLink.Problem.tooLong) {
            try SketchfabLink.modelID(from: "https://sketchfab.com/models/" + String(repeating: "a", count: 5000)).get()
        }
    }
}
