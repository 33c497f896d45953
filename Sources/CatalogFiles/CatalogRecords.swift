import Foundation

/// `model_urls.psv`: `name|mid`.
public struct ModelRecord: Hashable, Sendable {
    public var name: String
    public var mid: ModelID
    public init(name: String, mid: ModelID) { self.name = name; self.mid = mid }
}

/// `model_likes_anon.psv`: `modelname|mid|uid`.
public struct LikeRecord: Hashable, Sendable {
    public var modelName: String
    public var mid: ModelID
    public var user: String
    public init(modelName: String, mid: ModelID, user: String) {
        self.modelName = modelName; self.mid = mid; self.user = user
    }
}

/// What a feature is: the Sketchfab tag a model carries, or one of its categories (by slug).
public enum FeatureKind: String, Sendable, CaseIterable, Hashable { case category, tag }

/// `model_feats.psv`: `mid|type|value`.
public struct FeatureRecord: Hashable, Sendable {
    public typealias Kind = FeatureKind
    public var mid: ModelID
    public var kind: Kind
    public var value: String
    public init(mid: ModelID, kind: Kind, value: String) { self.mid = mid; self.kind = kind; self.value = value }
}

/// Readers and writers for each published file, validating every field and naming the line of any problem.
public enum CatalogFileFormat {
    public static let modelsFileName = "model_urls.psv"
    public static let likesFileName = "model_likes_anon.psv"
    public static let featuresFileName = "model_feats.psv"
    public static let curatedFileName = "model_names.psv"
    public static let topicsFileName = "model_topics.psv"

    public static func readModels(_ reader: PSVReader) throws -> [ModelRecord] {
        var models: [ModelRecord] = []
        try forEachModel(reader) { model, _ in models.append(model) }
        return models
    }

    /// The curated list has no header row.
    public static func readCurated(_ reader: PSVReader) throws -> [ModelRecord] {
        try reader.records(header: nil, fieldCount: 2).map { record in
            ModelRecord(name: record.fields[0], mid: try modelID(record.fields[1], reader, record.line))
        }
    }

    public static func readLikes(_ reader: PSVReader) throws -> [LikeRecord] {
        var likes: [LikeRecord] = []
        try forEachLike(reader) { like, _ in likes.append(like) }
        return likes
    }

    public static func readFeatures(_ reader: PSVReader) throws -> [FeatureRecord] {
        var features: [FeatureRecord] = []
        try forEachFeature(reader) { feature, _ in features.append(feature) }
        return features
    }

    /// Each checked row of `model_urls.psv` with where it is in the file, as the file is read.
    public static func forEachModel(_ reader: PSVReader, _ body: (ModelRecord, PSVRecord) throws -> Void) throws {
        try reader.forEachRow(header: ["name", "mid"], fieldCount: 2) { record in
            try body(ModelRecord(name: record.fields[0], mid: try modelID(record.fields[1], reader, record.line)), record)
        }
    }

    /// Each checked row of `model_likes_anon.psv` with where it is in the file, as the file is read.
    public static func forEachLike(_ reader: PSVReader, _ body: (LikeRecord, PSVRecord) throws -> Void) throws {
        try reader.forEachRow(header: ["modelname", "mid", "uid"], fieldCount: 3) { record in
            let user = record.fields[2]
            guard !user.isEmpty else {
                throw PSVError(file: reader.fileName, line: record.line, message: "the user id (field 3) is empty")
            }
            try body(LikeRecord(modelName: record.fields[0], mid: try modelID(record.fields[1], reader, record.line), user: user),
                     record)
        }
    }

    /// Each checked row of `model_feats.psv` with where it is in the file, as the file is read.
    public static func forEachFeature(_ reader: PSVReader, _ body: (FeatureRecord, PSVRecord) throws -> Void) throws {
        try reader.forEachRow(header: ["mid", "type", "value"], fieldCount: 3) { record in
            guard let kind = FeatureRecord.Kind(rawValue: record.fields[1]) else {
                throw PSVError(file: reader.fileName, line: record.line,
                               message: "the feature type (field 2) is \"\(record.fields[1])\"; expected category or tag")
            }
            let value = record.fields[2]
            guard !value.isEmpty else {
                throw PSVError(file: reader.fileName, line: record.line, message: "the feature value (field 3) is empty")
            }
            try body(FeatureRecord(mid: try modelID(record.fields[0], reader, record.line), kind: kind, value: value), record)
        }
    }

    private static func modelID(_ text: String, _ reader: PSVReader, _ line: Int) throws -> ModelID {
        guard let id = ModelID(text) else {
            throw PSVError(file: reader.fileName, line: line, message: ModelID.problem(with: text)!)
        }
        return id
    }

    public static func write(models: [ModelRecord], to url: URL) throws {
        var writer = PSVWriter()
        writer.append(row: ["name", "mid"])
        for model in models { writer.append(row: [model.name, model.mid.rawValue]) }
        try writer.write(to: url)
    }

    public static func write(curated: [ModelRecord], to url: URL) throws {
        var writer = PSVWriter()
        for model in curated { writer.append(row: [model.name, model.mid.rawValue]) }
        try writer.write(to: url)
    }

    public static func write(likes: [LikeRecord], to url: URL) throws {
        var writer = PSVWriter()
        writer.append(row: ["modelname", "mid", "uid"])
        for like in likes { writer.append(row: [like.modelName, like.mid.rawValue, like.user]) }
        try writer.write(to: url)
    }

    public static func write(features: [FeatureRecord], to url: URL) throws {
        var writer = PSVWriter()
        writer.append(row: ["mid", "type", "value"])
        for feature in features { writer.append(row: [feature.mid.rawValue, feature.kind.rawValue, feature.value]) }
        try writer.write(to: url)
    }
}
