import Foundation
import Mustache

/// The templates and static assets, loaded from the bundle once at start-up.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    public let stylesheet: String
    public let script: String
    public let placeholderSVG: String
    public let faviconSVG: String
    /// The API's OpenAPI 3.1 contract, served at `/openapi.json`.
    public let openAPIDocument: String
    /// A hash of the templates and static files: part of every ETag, so a new build never answers 304 for a page
    /// whose markup changed.
    public let fingerprint: UInt64

    public init() async throws {
        guard let resources = Bundle.module.resourceURL else {
            throw SiteStartupError(description: "the Website resource bundle is missing")
        }
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("Templates").path)
        stylesheet = try String(contentsOf: resources.appendingPathComponent("Static/app.css"), encoding: .utf8)
        script = try String(contentsOf: resources.appendingPathComponent("Static/app.js"), encoding: .utf8)
        placeholderSVG = try String(contentsOf: resources.appendingPathComponent("Static/placeholder.svg"), encoding: .utf8)
        faviconSVG = try String(contentsOf: resources.appendingPathComponent("Static/favicon.svg"), encoding: .utf8)
        openAPIDocument = try String(contentsOf: resources.appendingPathComponent("Static/openapi.json"), encoding: .utf8)
        for name in Self.requiredTemplates where library.getTemplate(named: name) == nil {
            throw SiteStartupError(description: "template \(name).mustache did not load")
        }
        var hash = FNV1a.offsetBasis
        for folder in ["Templates", "Static"] {
            let directory = resources.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                hash = FNV1a.hash(try Data(contentsOf: directory.appendingPathComponent(name)), seed: hash)
            }
        }
        fingerprint = hash
    }

    /// A renderer over templates given in code, for tests of what the routes do when a template is missing.
    init(library: MustacheLibrary) {
        self.library = library
        stylesheet = ""
        script = ""
        placeholderSVG = ""
        faviconSVG = ""
        openAPIDocument = "{}"
        fingerprint = 0
    }

    static let requiredTemplates = ["home", "model", "model-article", "carousel", "grid-card", "no-recommendations",
                                    "about", "error", "feature", "search", "search-empty", "picker-options",
                                    "carousel-card", "baselines", "evaluation", "online"]

    /// Renders from dictionaries rather than structs: the template engine reads structs through reflection,
    /// which is markedly slower per request. A template that does not render is an error, never an empty page.
    public func render(_ template: String, _ context: [String: Any]) throws -> String {
        guard let page = library.render(context, withTemplate: template) else {
            throw TemplateRenderingError(template: template)
        }
        return page
    }
}

/// A page whose template failed: the route answers 500 and the log names the template.
public struct TemplateRenderingError: Error, CustomStringConvertible {
    public var template: String
    public var description: String { "template \(template).mustache did not render" }
}

public struct SiteStartupError: Error, CustomStringConvertible {
    public var description: String
}
