/// Reads a model id out of a pasted Sketchfab link.
///
/// Understood forms, with or without scheme, `www.`, query, fragment or trailing slash:
/// `sketchfab.com/models/{mid}` (also `/models/{mid}/embed`), `sketchfab.com/3d-models/{slug}-{mid}`, and a bare id.
public enum SketchfabLink {
    public enum Problem: Error, Equatable, CustomStringConvertible, Sendable {
        case empty
        case tooLong
        case notSketchfab(host: String)
        case noModelInPath
        case badModelID(String)

        public var description: String {
            switch self {
            case .empty: return "The link is empty. Paste a link to a model page on sketchfab.com."
            case .tooLong: return "The link is too long to be a Sketchfab model link."
            case .notSketchfab(let host):
                return "The link points to \(host), not to sketchfab.com."
            case .noModelInPath:
                return "The link does not point to a model. Model links look like https://sketchfab.com/3d-models/name-<id> or https://sketchfab.com/models/<id>."
            case .badModelID(let text):
                return ModelID.problem(with: text) ?? "The link's model id is not valid."
            }
        }
    }

    public static let maximumLength = 2048

    public static func modelID(from link: String) -> Result<ModelID, Problem> {
        var text = Substring(link.trimmingCharactersInWhitespace())
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.utf8.count <= maximumLength else { return .failure(.tooLong) }
        if let bare = ModelID(String(text)) { return .success(bare) }

        // Drop the fragment and the query.
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        if let query = text.firstIndex(of: "?") { text = text[..<query] }

        // Drop the scheme, then check the host.
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { return .failure(.notSketchfab(host: scheme + ":")) }
            text = text[schemeEnd.upperBound...]
        }
        var path: Substring
        if text.hasPrefix("/") {
            path = text
        } else {
            let slash = text.firstIndex(of: "/") ?? text.endIndex
            var host = text[..<slash].lowercased()
            if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
            if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
            guard host == "sketchfab.com" || host.hasSuffix(".sketchfab.com") else {
                return .failure(.notSketchfab(host: host.isEmpty ? "no host" : host))
            }
            path = text[slash...]
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let anchor = parts.firstIndex(where: { $0 == "models" || $0 == "3d-models" }),
              anchor + 1 < parts.count else {
            return .failure(.noModelInPath)
        }
        let segment = parts[anchor + 1]
        let candidate: Substring
        if parts[anchor] == "3d-models", let dash = segment.lastIndex(of: "-") {
            candidate = segment[segment.index(after: dash)...]
        } else {
            candidate = segment
        }
        guard let id = ModelID(String(candidate)) else { return .failure(.badModelID(String(candidate))) }
        return .success(id)
    }
}

extension String {
    func trimmingCharactersInWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
