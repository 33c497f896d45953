import CatalogFiles
import CatalogStore
import Foundation
import Hummingbird

/// What the pages and the API read from a request the same way.
enum RequestParsing {
    /// What the OpenAPI document's `\S` calls white space (ECMAScript's `\s`): spaces, line ends, form feed,
    /// vertical tab and the byte-order mark. A query of only these is empty.
    static let blank = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}"))

    /// `?q=`: at most 200 characters, without the blank around them; empty when absent.
    static func searchQuery(_ request: Request) -> String {
        String((request.uri.queryParameters["q"] ?? "").prefix(200)).trimmingCharacters(in: blank)
    }

    /// The tag or category a `/tags/{value}` or `/categories/{value}` path names: percent-decoded, lower-cased, at
    /// most 200 characters.
    static func feature(_ kind: FeatureKind, _ context: some RequestContext) throws -> FeatureKey {
        let raw = try context.parameters.require("value")
        return FeatureKey(kind: kind, value: String((raw.removingPercentEncoding ?? raw).lowercased().prefix(200)))
    }
}
