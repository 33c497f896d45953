import CatalogStore

/// View models: turn store values into the dictionaries the templates read.
enum PageViews {
    static let placeholderThumbnail = "/static/placeholder.svg"

    static func card(_ model: ModelSummary) -> [String: Any] {
        ["mid": model.mid, "name": model.name, "url": model.url,
         "thumbnail": model.thumbnailURL ?? placeholderThumbnail, "likes": model.likeCount]
    }

    static func picker(_ models: [ModelSummary], selected: String? = nil, link: String = "") -> [String: Any] {
        ["picker": models.map { model -> [String: Any] in
            ["mid": model.mid, "name": model.name, "selected": model.mid == selected]
        }, "link": link]
    }

    static func home(picker models: [ModelSummary]) -> [String: Any] {
        var context = picker(models)
        context["title"] = "Pick a model"
        return context
    }

    static func modelPage(_ model: ModelSummary, _ lists: [RecommendationList], picker models: [ModelSummary]) -> [String: Any] {
        var context = picker(models, selected: model.mid)
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

    static func error(heading: String, message: String, picker models: [ModelSummary], link: String = "") -> [String: Any] {
        var context = picker(models, link: link)
        context["title"] = heading
        context["heading"] = heading
        context["message"] = message
        return context
    }
}
