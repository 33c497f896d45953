import Foundation
import GRDB

/// A model read live from Sketchfab, as stored: its id, when it was read, and the server's JSON record of it.
public struct LiveModelRow: Sendable, Equatable {
    public var mid: String
    public var fetchedAt: Date
    public var record: String

    public init(mid: String, fetchedAt: Date, record: String) {
        self.mid = mid
        self.fetchedAt = fetchedAt
        self.record = record
    }
}

extension CatalogStore {
    /// Replaces the stored record of a live model.
    public func saveLiveModel(_ row: LiveModelRow) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO live_models (mid, fetched_at, record) VALUES (?, ?, ?)",
                           arguments: [row.mid, row.fetchedAt.timeIntervalSince1970, row.record])
        }
    }

    public func liveModel(_ mid: String) throws -> LiveModelRow? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT mid, fetched_at, record FROM live_models WHERE mid = ?", arguments: [mid]).map {
                LiveModelRow(mid: $0[0], fetchedAt: Date(timeIntervalSince1970: $0[1]), record: $0[2])
            }
        }
    }

    /// How many live models are stored.
    public func liveModelCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM live_models") ?? 0 }
    }
}

extension CatalogStore {
    /// The models each of these users liked (by the user ids the catalogue stores), as model ids; users the
    /// catalogue does not know are left out.
    public func likedModels(ofUsers users: [String]) throws -> [String: [String]] {
        try database.read { db in
            let statement = try db.makeStatement(sql: """
                SELECT models.mid FROM likes JOIN users ON users.id = likes.user_id JOIN models ON models.id = likes.model_id
                WHERE users.uid = ?
                """)
            var liked: [String: [String]] = [:]
            for user in Set(users) {
                let mids = try String.fetchAll(statement, arguments: [user])
                if !mids.isEmpty { liked[user] = mids }
            }
            return liked
        }
    }
}

/// The Likes + tags model's vectors: each tag's and category's embedding, each model's representation (a weighted sum
/// of its features' embeddings), `factors` values each.
public struct HybridVectors: Sendable {
    public var factors: Int
    public var features: [FeatureKey]
    public var featureVectors: [Float]
    public var modelIDs: [Int64]
    public var itemVectors: [Float]

    public init(factors: Int, features: [FeatureKey], featureVectors: [Float], modelIDs: [Int64], itemVectors: [Float]) {
        precondition(featureVectors.count == features.count * factors && itemVectors.count == modelIDs.count * factors)
        self.factors = factors
        self.features = features
        self.featureVectors = featureVectors
        self.modelIDs = modelIDs
        self.itemVectors = itemVectors
    }
}

extension CatalogStore {
    /// Stored by `train` with the algorithm's run (and removed with it).
    public func saveHybridVectors(algorithm: String, _ vectors: HybridVectors) throws {
        let names = String(decoding: try JSONSerialization.data(withJSONObject: vectors.features.map(\.name)), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO hybrid_vectors (algorithm, factors, feature_names, feature_vectors, model_ids, item_vectors)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [algorithm, vectors.factors, names,
                                 vectors.featureVectors.withUnsafeBufferPointer { Data(buffer: $0) },
                                 vectors.modelIDs.withUnsafeBufferPointer { Data(buffer: $0) },
                                 vectors.itemVectors.withUnsafeBufferPointer { Data(buffer: $0) }])
        }
    }

    public func hybridVectors(algorithm: String) throws -> HybridVectors? {
        try database.read { db -> HybridVectors? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT factors, feature_names, feature_vectors, model_ids, item_vectors FROM hybrid_vectors WHERE algorithm = ?
                """, arguments: [algorithm]) else { return nil }
            let factors: Int = row[0]
            let names = (try? JSONSerialization.jsonObject(with: Data((row[1] as String).utf8)) as? [String]) ?? []
            let featureData: Data = row[2], idData: Data = row[3], itemData: Data = row[4]
            let featureVectors = featureData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let modelIDs = idData.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
            let itemVectors = itemData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let features = names.compactMap(FeatureKey.init(name:))
            guard factors > 0, features.count == names.count, featureVectors.count == features.count * factors,
                  itemVectors.count == modelIDs.count * factors else { return nil }
            return HybridVectors(factors: factors, features: features, featureVectors: featureVectors, modelIDs: modelIDs,
                                 itemVectors: itemVectors)
        }
    }

    /// Each model's id (`mid`) by database id.
    public func modelIdentifiers() throws -> [Int64: String] {
        try database.read { db in
            var result: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, mid FROM models") { result[row[0]] = row[1] }
            return result
        }
    }
}
