import Foundation
import Mustache

/// The templates and static assets, loaded from the bundle once at start-up.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    public let stylesheet: String
    public let placeholderSVG: String

    public init() async throws {
        guard let resources = Bundle.module.resourceURL else {
            throw ExplorerStartupError(description: "the WebExplorer resource bundle is missing")
        }
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("Templates").path)
        stylesheet = try String(contentsOf: resources.appendingPathComponent("Static/app.css"), encoding: .utf8)
        placeholderSVG = try String(contentsOf: resources.appendingPathComponent("Static/placeholder.svg"), encoding: .utf8)
        for name in ["home", "model", "about", "error", "feature", "search"] where library.getTemplate(named: name) == nil {
            throw ExplorerStartupError(description: "template \(name).mustache did not load")
        }
    }

    /// A renderer over templates given in code, for tests of what the routes do when a template is missing.
    init(library: MustacheLibrary) {
        self.library = library
        stylesheet = ""
        placeholderSVG = ""
    }

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

public struct ExplorerStartupError: Error, CustomStringConvertible {
    public var description: String
}
