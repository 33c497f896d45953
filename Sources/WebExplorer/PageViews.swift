import CatalogStore

/// View models: turn store values into the dictionaries the templates read.
enum PageViews {
    static let placeholderThumbnail = "/static/placeholder.svg"

    static func card(_ model: ModelSummary) -> [String: Any] {
        ["mid": model.mid, "name": model.name, "url": model.url,
         "thumbnail": model.thumbnailURL ?? placeholderThumbnail, "likes": model.likeCount]
    }

    /// The picker's `<option>` list is rendered once and cached; marking the current model is a string edit.
    static func pickerOptionsContext(_ models: [ModelSummary]) -> [String: Any] {
        ["picker": models.map { model -> [String: Any] in ["mid": model.mid, "name": model.name] }]
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

    static func modelPage(_ model: ModelSummary, _ lists: [RecommendationList], picker options: String) -> [String: Any] {
        var context = picker(options, selected: model.mid)
        context["title"] = model.name
        context["model"] = card(model)
        context["carousels"] = lists.map { list -> [String: Any] in
            ["algorithm": list.algorithm, "title": list.title, "models": list.models.map(card)]
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
