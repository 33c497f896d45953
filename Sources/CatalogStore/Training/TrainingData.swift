import Foundation
import GRDB

/// The likes as dense indices, ready for a recommender, with the maps back to database ids.
public struct TrainingLikes: Sendable {
    /// `modelIDs[i]` is the database id of item index `i`; every model is an item, liked or not.
    public var modelIDs: [Int64]
    public var userCount: Int
    public var pairs: [(user: Int32, item: Int32)]
}

/// One algorithm's output: for each item index, its neighbours (item index, score), best first.
public struct AlgorithmRun: Sendable {
    public var algorithm: String
    public var title: String
    public var description: String
    public var displayOrder: Int
    public var parameters: [String: String]
    public var trainedAt: Date
    public var trainSeconds: Double

    public init(algorithm: String, title: String, description: String, displayOrder: Int,
                parameters: [String: String], trainedAt: Date, trainSeconds: Double) {
        self.algorithm = algorithm
        self.title = title
        self.description = description
        self.displayOrder = displayOrder
        self.parameters = parameters
        self.trainedAt = trainedAt
        self.trainSeconds = trainSeconds
    }
}

extension CatalogStore {
    public func trainingLikes() throws -> TrainingLikes {
        try database.read { db in
            let modelIDs = try Int64.fetchAll(db, sql: "SELECT id FROM models ORDER BY id")
            var itemIndex: [Int64: Int32] = [:]
            itemIndex.reserveCapacity(modelIDs.count)
            for (index, id) in modelIDs.enumerated() { itemIndex[id] = Int32(index) }
            var userIndex: [Int64: Int32] = [:]
            var pairs: [(user: Int32, item: Int32)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT user_id, model_id FROM likes ORDER BY user_id, model_id")
            while let row = try rows.next() {
                let userID: Int64 = row[0], modelID: Int64 = row[1]
                let user: Int32
                if let known = userIndex[userID] { user = known } else {
                    user = Int32(userIndex.count)
                    userIndex[userID] = user
                }
                pairs.append((user, itemIndex[modelID]!))
            }
            return TrainingLikes(modelIDs: modelIDs, userCount: userIndex.count, pairs: pairs)
        }
    }

    /// Replaces an algorithm's recommendations in one transaction; readers see the old list or the new one,
    /// never a mix, and a failure leaves the old one in place.
    /// `reasons`, for the likes-based algorithms, parallels `neighbours`: why each suggestion was made.
    public func saveRecommendations(_ run: AlgorithmRun, modelIDs: [Int64],
                                    neighbours: [[(item: Int32, score: Float)]], reasons: [[LikeOverlap]]? = nil) throws {
        precondition(modelIDs.count == neighbours.count, "one neighbour list per model")
        precondition(reasons.map { zip($0, neighbours).allSatisfy { $0.count == $1.count } && $0.count == neighbours.count } ?? true,
                     "one reason per neighbour")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let parameters = String(decoding: try encoder.encode(run.parameters), as: UTF8.self)
        let trainedAt = ISO8601DateFormatter().string(from: run.trainedAt)
        try database.write { db in
            try Self.replaceRun(run, parameters: parameters, trainedAt: trainedAt, in: db)
            let insert = try db.makeStatement(sql: """
                INSERT INTO recommendations (algorithm, model_id, rank, recommended_id, score, co_likers, connecting)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for (index, list) in neighbours.enumerated() {
                for (rank, neighbour) in list.enumerated() {
                    let reason = reasons?[index][rank]
                    try insert.execute(arguments: [run.algorithm, modelIDs[index], rank + 1,
                                                   modelIDs[Int(neighbour.item)], Double(neighbour.score),
                                                   reason.map { Int($0.coLikers) },
                                                   reason.map { $0.connecting.map { String(modelIDs[Int($0)]) }.joined(separator: " ") }])
                }
            }
        }
    }

    /// Clears an algorithm's lists and writes its run (title, description, display order, settings), in the
    /// caller's transaction.
    static func replaceRun(_ run: AlgorithmRun, parameters: String, trainedAt: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM recommendations WHERE algorithm = ?", arguments: [run.algorithm])
        try db.execute(sql: """
            INSERT INTO algorithm_runs (algorithm, title, description, display_order, parameters, trained_at, train_seconds)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(algorithm) DO UPDATE SET title = excluded.title, description = excluded.description,
                display_order = excluded.display_order, parameters = excluded.parameters,
                trained_at = excluded.trained_at, train_seconds = excluded.train_seconds
            """, arguments: [run.algorithm, run.title, run.description, run.displayOrder, parameters, trainedAt, run.trainSeconds])
    }

    /// Stores the item factors a server folds a visitor's likes into (row `i` belongs to `modelIDs[i]`), with the
    /// settings the fold-in needs. Replaces the algorithm's previous factors.
    public func saveFoldInFactors(algorithm: String, modelIDs: [Int64], factors: Int, regularization: Float, alpha: Float,
                                  vectors: [Float]) throws {
        precondition(vectors.count == modelIDs.count * factors, "one row of factors per model")
        let ids = modelIDs.withUnsafeBufferPointer { Data(buffer: $0) }
        let values = vectors.withUnsafeBufferPointer { Data(buffer: $0) }
        try database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO fold_in_factors (algorithm, factors, regularization, alpha, model_ids, vectors)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [algorithm, factors, Double(regularization), Double(alpha), ids, values])
        }
    }

    public func evaluationCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM evaluation_runs") ?? 0 }
    }

    /// Stores one run of `evaluate` (its JSON report) for the explorer's evaluation page, and publishes it.
    public func saveEvaluation(report: Data, recordedAt: Date = Date()) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO evaluation_runs (recorded_at, report) VALUES (?, ?)",
                           arguments: [ISO8601DateFormatter().string(from: recordedAt), String(decoding: report, as: UTF8.self)])
            try Self.publish(db)
        }
    }

    /// Stores one run of `tune` (its JSON report: the grid of settings tried on a validation split) for the
    /// evaluation page's heat map, and publishes it. The report must be a JSON object naming its `algorithm`.
    public func saveTuning(report: Data, recordedAt: Date = Date()) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: report)) as? [String: Any] else {
            throw CatalogStoreError.nothingStored("the tuning report is not a JSON object, so it was not stored")
        }
        guard let algorithm = object["algorithm"] as? String, !algorithm.isEmpty else {
            throw CatalogStoreError.nothingStored("the tuning report names no \"algorithm\", so it was not stored")
        }
        try database.write { db in
            try db.execute(sql: "INSERT INTO tuning_runs (recorded_at, algorithm, report) VALUES (?, ?, ?)",
                           arguments: [ISO8601DateFormatter().string(from: recordedAt), algorithm,
                                       String(decoding: report, as: UTF8.self)])
            try Self.publish(db)
        }
    }
}

/// Why a likes-based suggestion was made: how many users liked both models, and up to three other models those
/// users liked most often (item indices, as the neighbours are).
public struct LikeOverlap: Sendable, Equatable {
    public var coLikers: Int32
    public var connecting: [Int32]

    public init(coLikers: Int32, connecting: [Int32]) {
        self.coLikers = coLikers
        self.connecting = connecting
    }
}
