import CatalogFiles
import Foundation

/// The body of `POST /api/v1/recommendations`.
struct LikedModels: Decodable {
    var liked: [String]
    var limit: Int

    enum CodingKeys: String, CodingKey { case liked, limit }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        liked = try container.decode([String].self, forKey: .liked)
        // Absent means the default; null is not a number and is refused like any other wrong type.
        limit = container.contains(.limit) ? try container.decode(Int.self, forKey: .limit) : 12
    }

    static func parse(_ body: Data) throws(Problem) -> LikedModels {
        let parsed: LikedModels
        do { parsed = try JSONDecoder().decode(LikedModels.self, from: body) } catch let error as DecodingError {
            throw .badRequest("The body must be a JSON object {\"liked\": [model ids], \"limit\": 1–\(APIController.maximumLimit)}: \(describe(error))")
        } catch {
            throw .badRequest("The body is not JSON.")
        }
        guard parsed.liked.count <= APIController.maximumLiked else {
            throw .badRequest("liked may name at most \(APIController.maximumLiked) models, not \(parsed.liked.count).")
        }
        guard (1...APIController.maximumLimit).contains(parsed.limit) else {
            throw .badRequest("limit must be a whole number from 1 to \(APIController.maximumLimit), not \(parsed.limit).")
        }
        if let bad = parsed.liked.first(where: { ModelID($0) == nil }) {
            throw .badRequest("liked holds “\(bad.prefix(60))”, which is not a model id: \(ModelID.problem(with: bad) ?? "")")
        }
        return parsed
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "the field \(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".").nonEmpty ?? "the body") has the wrong type"
        case .dataCorrupted: "it is not valid JSON"
        @unknown default: "it could not be read"
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

