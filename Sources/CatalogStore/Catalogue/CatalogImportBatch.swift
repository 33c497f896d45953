import CatalogFiles
import Foundation
import GRDB

/// Everything one import writes, already parsed and validated.
public struct CatalogImportBatch: Sendable {
    public var models: [ModelRecord]
    public var likes: [LikeRecord]
    public var features: [FeatureRecord]
    /// `nil` leaves the curated list as it is; an array replaces it.
    public var curated: [ModelRecord]?
    /// File name (relative to the thumbnails route) of each model's local thumbnail, where one exists.
    public var localThumbnails: [ModelID: String]

    public init(models: [ModelRecord], likes: [LikeRecord] = [], features: [FeatureRecord] = [],
                curated: [ModelRecord]? = nil, localThumbnails: [ModelID: String] = [:]) {
        self.models = models
        self.likes = likes
        self.features = features
        self.curated = curated
        self.localThumbnails = localThumbnails
    }
}

public struct ImportSummary: Equatable, Sendable {
    public var modelsAdded = 0
    public var modelsUpdated = 0
    public var duplicateModelRows = 0
    public var likesAdded = 0
    public var duplicateLikes = 0
    public var likesOfUnknownModels = 0
    public var usersAdded = 0
    public var featuresAdded = 0
    public var duplicateFeatures = 0
    public var featuresOfUnknownModels = 0
    public var curatedModels = 0
    public var curatedUnknownModels = 0
    public var localThumbnails = 0
    public init() {}
}

extension CatalogStore {
    /// Writes the batch in one transaction: any error rolls everything back and the database is as it was.
    /// Rows repeated in the files (or already in the database) are folded; likes, features and curated entries
    /// of models that are neither in the batch nor in the database are counted and skipped.
    public func importCatalog(_ batch: CatalogImportBatch, now: Date = Date()) throws -> ImportSummary {
        let checkedAt = ISO8601DateFormatter().string(from: now)
        return try database.write { db in
            var summary = ImportSummary()
            var modelIDs: [String: Int64] = [:]
            let existingModels = try Row.fetchCursor(db, sql: "SELECT id, mid FROM models")
            while let row = try existingModels.next() { modelIDs[row[1]] = row[0] }

            let insertModel = try db.makeStatement(sql: "INSERT INTO models (mid, name, url) VALUES (?, ?, ?)")
            let renameModel = try db.makeStatement(sql: "UPDATE models SET name = ? WHERE id = ? AND name <> ?")
            var seenInBatch = Set<ModelID>()
            for model in batch.models {
                guard seenInBatch.insert(model.mid).inserted else { summary.duplicateModelRows += 1; continue }
                if let id = modelIDs[model.mid.rawValue] {
                    try renameModel.execute(arguments: [model.name, id, model.name])
                    if db.changesCount > 0 { summary.modelsUpdated += 1 }
                } else {
                    try insertModel.execute(arguments: [model.mid.rawValue, model.name, model.mid.sketchfabURL])
                    modelIDs[model.mid.rawValue] = db.lastInsertedRowID
                    summary.modelsAdded += 1
                }
            }

            if !batch.localThumbnails.isEmpty {
                let setThumbnail = try db.makeStatement(sql: """
                    UPDATE models SET thumbnail_url = ?, thumbnail_checked_at = ? WHERE id = ?
                    """)
                for (mid, file) in batch.localThumbnails.sorted(by: { $0.key < $1.key }) {
                    guard let id = modelIDs[mid.rawValue] else { continue }
                    try setThumbnail.execute(arguments: ["/thumbnails/\(file)", checkedAt, id])
                    summary.localThumbnails += 1
                }
            }

            if !batch.likes.isEmpty {
                var userIDs: [String: Int64] = [:]
                let existingUsers = try Row.fetchCursor(db, sql: "SELECT id, uid FROM users")
                while let row = try existingUsers.next() { userIDs[row[1]] = row[0] }
                var nextUserID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM users") ?? 0) + 1
                let insertUser = try db.makeStatement(sql: "INSERT INTO users (id, uid) VALUES (?, ?)")
                let insertLike = try db.makeStatement(sql: "INSERT OR IGNORE INTO likes (user_id, model_id) VALUES (?, ?)")
                for like in batch.likes {
                    guard let modelID = modelIDs[like.mid.rawValue] else { summary.likesOfUnknownModels += 1; continue }
                    let userID: Int64
                    if let known = userIDs[like.user] {
                        userID = known
                    } else {
                        userID = nextUserID
                        nextUserID += 1
                        insertUser.setUncheckedArguments([userID, like.user])
                        try insertUser.execute()
                        userIDs[like.user] = userID
                        summary.usersAdded += 1
                    }
                    // Unchecked arguments: the statement's two placeholders are known, and this loop runs per like.
                    insertLike.setUncheckedArguments([userID, modelID])
                    try insertLike.execute()
                    if db.changesCount > 0 { summary.likesAdded += 1 } else { summary.duplicateLikes += 1 }
                }
            }

            if !batch.features.isEmpty {
                let insertFeature = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO features (model_id, kind, value) VALUES (?, ?, ?)
                    """)
                for feature in batch.features {
                    guard let modelID = modelIDs[feature.mid.rawValue] else { summary.featuresOfUnknownModels += 1; continue }
                    try insertFeature.execute(arguments: [modelID, feature.kind.rawValue, feature.value])
                    if db.changesCount > 0 { summary.featuresAdded += 1 } else { summary.duplicateFeatures += 1 }
                }
            }

            if let curated = batch.curated {
                try db.execute(sql: "DELETE FROM curated_models")
                let insertCurated = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO curated_models (model_id, position) VALUES (?, ?)
                    """)
                for (position, entry) in curated.enumerated() {
                    guard let modelID = modelIDs[entry.mid.rawValue] else { summary.curatedUnknownModels += 1; continue }
                    try insertCurated.execute(arguments: [modelID, position])
                    if db.changesCount > 0 { summary.curatedModels += 1 }
                }
            }

            // One grouped pass over the likes rather than a count per model (likes are keyed by user first).
            try db.execute(sql: """
                UPDATE models SET like_count = 0;
                UPDATE models SET like_count = counted.likes
                FROM (SELECT model_id, count(*) AS likes FROM likes GROUP BY model_id) AS counted
                WHERE counted.model_id = models.id;
                """)
            try Self.publish(db)
            return summary
        }
    }
}
