import CatalogStore
import Foundation

/// View models: turn store values into the dictionaries the templates read.
enum PageViews {
    static let placeholderThumbnail = "/static/placeholder.svg"

    /// Characters left as they are in a tag's URL path segment.
    static let pathSegmentAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    static func featureLink(_ feature: FeatureKey) -> [String: Any] {
        let segment = feature.value.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? ""
        return ["kind": feature.kind, "isCategory": feature.kind == "category", "value": feature.value,
                "href": feature.kind == "tag" ? "/tags/\(segment)" : "/categories/\(segment)"]
    }

    static func searchPage(query: String, results: [ModelSummary], picker options: String) -> [String: Any] {
        var context = picker(options)
        context["query"] = query
        context["title"] = "Search: \(query)"
        context["heading"] = results.isEmpty ? "Nothing found for “\(query)”" : "Models whose names match “\(query)”"
        context["hasResults"] = !results.isEmpty
        context["models"] = results.map(card)
        return context
    }

    static func featurePage(_ feature: FeatureKey, models: [ModelSummary]) -> [String: Any] {
        let heading = feature.kind == "tag" ? "Models for the tag “\(feature.value)”" : "Models for the category “\(feature.value)”"
        return ["title": heading, "heading": heading, "kind": feature.kind, "models": models.map(card)]
    }

    static func card(_ model: ModelSummary) -> [String: Any] {
        ["mid": model.mid, "name": model.name, "url": model.url,
         "thumbnail": model.thumbnailURL ?? placeholderThumbnail, "likes": model.likeCount]
    }

    /// The picker's `<option>` list is rendered once and cached; marking the current model is a string edit.
    static func pickerOptionsContext(_ models: [ModelSummary]) -> [String: Any] {
        ["picker": models.map { model -> [String: Any] in ["mid": model.mid, "name": model.name] }]
    }

    /// Which image descriptor produced a visual carousel, from its run's parameters.
    static func descriptorLabel(_ list: RecommendationList) -> String? {
        guard let data = list.parameters.data(using: .utf8),
              let parameters = try? JSONSerialization.jsonObject(with: data) as? [String: String],
              let descriptor = parameters["descriptor"] else { return nil }
        if descriptor.hasPrefix("classical") { return "\(list.algorithm) · colour layout and edge orientations" }
        if descriptor.hasPrefix("efficientnet-lite0") { return "\(list.algorithm) · EfficientNet-Lite0 CNN features (ImageNet)" }
        return "\(list.algorithm) · \(descriptor)"
    }

    static func picker(_ options: String, selected: String? = nil, link: String = "") -> [String: Any] {
        var html = options
        if let selected, let range = html.range(of: "<option value=\"\(selected)\">") {
            html.replaceSubrange(range, with: "<option value=\"\(selected)\" selected>")
        }
        return ["pickerOptions": html, "link": link]
    }

    static func home(picker options: String) -> [String: Any] {
        var context = picker(options)
        context["title"] = "Pick a model"
        return context
    }

    static func modelPage(_ model: ModelSummary, _ lists: [RecommendationList], picker options: String,
                          carried: [FeatureKey] = [], suggested: [FeatureKey] = []) -> [String: Any] {
        var context = picker(options, selected: model.mid)
        context["carried"] = carried.map(featureLink)
        context["hasCarried"] = !carried.isEmpty
        context["suggested"] = suggested.map(featureLink)
        context["hasSuggested"] = !suggested.isEmpty
        context["title"] = model.name
        context["model"] = card(model)
        context["carousels"] = lists.map { list -> [String: Any] in
            ["algorithm": descriptorLabel(list) ?? list.algorithm, "title": list.title, "models": list.models.map(card)]
        }
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
