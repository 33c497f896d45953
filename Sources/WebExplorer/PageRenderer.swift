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

    /// Renders from dictionaries rather than structs: the template engine reads structs through reflection,
    /// which is markedly slower per request.
    public func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

public struct ExplorerStartupError: Error, CustomStringConvertible {
    public var description: String
}
