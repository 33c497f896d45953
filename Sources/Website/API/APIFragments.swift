import AlgorithmIdentity
import CatalogFiles
import CatalogSnapshot
import CatalogStore
import NIOCore

/// The API's JSON, encoded once per publication from the snapshot: each model's object, the algorithm list, and
/// the opening of each carousel's list.
struct APIFragments: Sendable {
    /// Each model as the API shows it.
    let modelJSON: FragmentTable
    let algorithmsJSON: [UInt8]
    /// Parallel to the snapshot's carousels: `{"algorithm":…,"title":…,"recommendations":[`.
    let carouselOpenings: [[UInt8]]

    init(_ snapshot: CatalogSnapshot) {
        var models = FragmentTable.Builder()
        for model in snapshot.models { models.append(Self.encode(model)) }
        modelJSON = models.build()
        var algorithms = ByteBuffer()
        algorithms.writeString("{\"algorithms\":[")
        for (position, info) in snapshot.algorithms.enumerated() {
            if position > 0 { algorithms.writeString(",") }
            algorithms.writeStaticString("{")
            JSONBody.writeField("algorithm", info.algorithm, first: true, into: &algorithms)
            JSONBody.writeField("title", info.title, into: &algorithms)
            JSONBody.writeField("description", info.description, into: &algorithms)
            algorithms.writeString(",\"displayOrder\":\(info.displayOrder)")
            JSONBody.writeField("trainedAt", info.trainedAt, into: &algorithms)
            algorithms.writeString(",\"trainSeconds\":\(info.trainSeconds.isFinite ? String(info.trainSeconds) : "0")")
            JSONBody.writeField("parameters", info.parameters, into: &algorithms)
            algorithms.writeString(",\"imported\":\(Recommender(name: info.algorithm)?.isImported ?? false)}")
        }
        algorithms.writeString("]}")
        algorithmsJSON = Array(algorithms.readableBytesView)
        carouselOpenings = snapshot.carousels.map { carousel in
            var json = ByteBuffer()
            json.writeStaticString("{")
            JSONBody.writeField("algorithm", carousel.info.algorithm, first: true, into: &json)
            JSONBody.writeField("title", carousel.info.title, into: &json)
            json.writeStaticString(",\"recommendations\":[")
            return Array(json.readableBytesView)
        }
    }

    static func encode(_ model: ModelSummary) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("mid", model.mid, first: true, into: &buffer)
        JSONBody.writeField("name", model.name, into: &buffer)
        JSONBody.writeField("url", model.url, into: &buffer)
        buffer.writeStaticString(",\"thumbnail\":")
        let thumbnail = PageViews.safeThumbnail(model.thumbnailURL)
        if thumbnail == PageViews.placeholderThumbnail { buffer.writeString("null") } else { JSONBody.writeString(thumbnail, into: &buffer) }
        buffer.writeString(",\"likes\":\(model.likeCount)}")
        return Array(buffer.readableBytesView)
    }

    /// `GET /api/v1/models/{mid}`: the model, its tags and categories, and the tags suggested for it.
    func modelDetail(_ model: Int32, of snapshot: CatalogSnapshot, into buffer: inout ByteBuffer) {
        buffer.writeString("{\"model\":")
        modelJSON.write(model, into: &buffer)
        let lists: [(field: String, kind: FeatureKind, features: [FeatureKey])] = [
            ("tags", .tag, snapshot.carried[Int(model)]), ("categories", .category, snapshot.carried[Int(model)]),
            ("suggestedTags", .tag, snapshot.suggested[Int(model)]),
        ]
        for list in lists {
            buffer.writeString(",\"\(list.field)\":[")
            for (position, feature) in list.features.filter({ $0.kind == list.kind }).enumerated() {
                if position > 0 { buffer.writeString(",") }
                JSONBody.writeString(feature.value, into: &buffer)
            }
            buffer.writeString("]")
        }
        buffer.writeString("}")
    }
}
