import CatalogStore
import Foundation

/// View models: turn store values into the dictionaries the templates read.
enum PageViews {
    static let placeholderThumbnail = "/static/placeholder.svg"

    /// Characters left as they are in a tag's URL path segment.
    static let pathSegmentAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    static func featureLink(_ feature: FeatureKey) -> [String: Any] {
        let segment = feature.value.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? ""
        return ["kind": feature.kind.rawValue, "isCategory": feature.kind == .category, "value": feature.value,
                "href": feature.kind == .tag ? "/tags/\(segment)" : "/categories/\(segment)"]
    }

    static func card(_ model: ModelSummary) -> [String: Any] {
        ["mid": model.mid, "name": model.name, "url": model.url, "thumbnail": safeThumbnail(model.thumbnailURL),
         "likes": model.likeCount]
    }

    /// Only `https:` links and the local thumbnail path are ever put in a page; anything else (an `http:` or
    /// `javascript:` link from a crawl) becomes the placeholder.
    static func safeThumbnail(_ url: String?) -> String {
        guard let url, url.hasPrefix("https://") || (url.hasPrefix("/thumbnails/") && !url.contains("..")) else {
            return placeholderThumbnail
        }
        return url
    }

    /// The selected model's block: thumbnail, name, likes, its tags and the tags it could carry.
    static func article(_ model: ModelSummary, carried: [FeatureKey], suggested: [FeatureKey]) -> [String: Any] {
        ["model": card(model), "carried": carried.map(featureLink), "hasCarried": !carried.isEmpty,
         "suggested": suggested.map(featureLink), "hasSuggested": !suggested.isEmpty]
    }

    /// The picker's `<option>` list is rendered once and cached; marking the current model is a string edit.
    static func pickerOptionsContext(_ models: [ModelSummary]) -> [String: Any] {
        ["picker": models.map { model -> [String: Any] in ["mid": model.mid, "name": model.name] }]
    }

    /// The carousel's small print: the algorithm, and for a visual one which image descriptor produced it.
    static func descriptorLabel(algorithm: String, parameters: String) -> String {
        guard let data = parameters.data(using: .utf8),
              let values = try? JSONSerialization.jsonObject(with: data) as? [String: String] else { return algorithm }
        if let chosen = values["chosen_by"] { return "\(algorithm) · \(chosen)" }
        guard let descriptor = values["descriptor"] else { return algorithm }
        if descriptor.hasPrefix("classical") { return "\(algorithm) · colour layout and edge orientations" }
        if descriptor.hasPrefix("efficientnet-lite0") { return "\(algorithm) · EfficientNet-Lite0 CNN features (ImageNet)" }
        return "\(algorithm) · \(descriptor)"
    }

    static func picker(_ options: String, link: String = "") -> [String: Any] {
        ["pickerOptions": options, "link": link]
    }

    /// The picker's rendered options with one model selected: a string edit, not a second render.
    static func markSelected(_ mid: String, in options: String) -> String {
        var html = options
        if let range = html.range(of: "<option value=\"\(mid)\">") {
            html.replaceSubrange(range, with: "<option value=\"\(mid)\" selected>")
        }
        return html
    }

    /// `popular`: the most-liked models' cards, already rendered.
    static func home(picker options: String, popular: String) -> [String: Any] {
        var context = picker(options)
        context["title"] = "Pick a model"
        context["popular"] = popular
        return context
    }

    static func about(_ algorithms: [(name: String, title: String, description: String, trained: AlgorithmInfo?)]) -> [String: Any] {
        ["title": "About",
         "algorithms": algorithms.map { entry -> [String: Any] in
            var item: [String: Any] = ["algorithm": entry.name, "title": entry.title, "description": entry.description]
            if let run = entry.trained {
                item["trained"] = true
                item["trainedAt"] = run.trainedAt
                item["trainSeconds"] = String(format: "%.2f", run.trainSeconds)
                item["parameters"] = run.parameters
            } else {
                item["trained"] = false
            }
            return item
        }]
    }

    static func error(heading: String, message: String, picker options: String, link: String = "") -> [String: Any] {
        var context = picker(options, link: link)
        context["title"] = heading
        context["heading"] = heading
        context["message"] = message
        return context
    }
}
