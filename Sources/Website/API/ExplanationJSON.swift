import CatalogSnapshot
import NIOCore

/// The API's `why` object for each kind of reason.
extension Explanation {
    /// The API's `why` object.
    func writeJSON(into buffer: inout ByteBuffer, snapshot: CatalogSnapshot) {
        buffer.writeStaticString("{")
        switch self {
        case .similarity(let score):
            JSONBody.writeField("kind", "image-similarity", first: true, into: &buffer)
            buffer.writeStaticString(",\"similarity\":")
            JSONBody.writeScore(score, into: &buffer)
        case .coLikes(let count, let connecting):
            JSONBody.writeField("kind", "co-likes", first: true, into: &buffer)
            buffer.writeString(",\"coLikers\":\(count),\"connecting\":[")
            for (position, model) in connecting.enumerated() {
                if position > 0 { buffer.writeStaticString(",") }
                JSONBody.writeString(snapshot.models[Int(model)].mid, into: &buffer)
            }
            buffer.writeStaticString("]")
        case .sharedFeatures(let shared, _):
            JSONBody.writeField("kind", "shared-features", first: true, into: &buffer)
            let overlaps = snapshot.overlaps
            for (field, categories) in [("tags", false), ("categories", true)] {
                buffer.writeString(",\"\(field)\":[")
                for (position, id) in shared.filter({ overlaps.isCategory($0) == categories }).enumerated() {
                    if position > 0 { buffer.writeStaticString(",") }
                    JSONBody.writeString(overlaps.features[Int(id)].value, into: &buffer)
                }
                buffer.writeStaticString("]")
            }
        case .popularity(let likes):
            JSONBody.writeField("kind", "popularity", first: true, into: &buffer)
            buffer.writeString(",\"likes\":\(likes)")
        case .score:
            JSONBody.writeField("kind", "score", first: true, into: &buffer)
        }
        buffer.writeStaticString("}")
    }
}
