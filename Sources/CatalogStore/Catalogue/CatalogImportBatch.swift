import CatalogFiles
import ElapsedTime
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
        try importStreaming(now: now) { writer in
            for model in batch.models { try writer.add(model) }
            for (mid, file) in batch.localThumbnails.sorted(by: { $0.key < $1.key }) { try writer.setLocalThumbnail(mid, file: file) }
            for like in batch.likes { try writer.add(like) }
            for feature in batch.features { try writer.add(feature) }
            if let curated = batch.curated { try writer.replaceCurated(curated) }
        }
    }

    /// Runs `feed` inside one write transaction and publishes what it wrote: the feed hands rows to the writer as it
    /// reads them (models first, then thumbnails, likes, features, the curated list), so memory does not grow with
    /// the files. Any error thrown, by the feed or the writer, rolls everything back.
    public func importStreaming(now: Date = Date(), progress: @escaping (String) -> Void = { _ in },
                                _ feed: (CatalogImportWriter) throws -> Void) throws -> ImportSummary {
        let checkedAt = ISO8601DateFormatter().string(from: now)
        return try database.write { db in
            // Users' and models' unique indexes take random inserts; a bigger cache keeps them from spilling.
            try db.execute(sql: "PRAGMA cache_size = -524288")
            defer { try? db.execute(sql: "PRAGMA cache_size = -131072") }
            let writer = try CatalogImportWriter(db, checkedAt: checkedAt)
            try feed(writer)
            try writer.finish(progress: progress)
            try Self.publish(db)
            return writer.summary
        }
    }
}

/// Writes an import's rows as they arrive, inside the transaction `CatalogStore.importStreaming` opened. Likes are
/// held as packed (user, model) pairs, eight bytes each, and written sorted at the end, so the likes table grows by
/// appends instead of random inserts.
public final class CatalogImportWriter {
    public private(set) var summary = ImportSummary()
    private let db: Database
    private let checkedAt: String
    private var modelIDs: [String: Int64] = [:]
    private var seenInBatch = Set<ModelID>()
    private var userIDs: [String: Int64] = [:]
    private var nextUserID: Int64
    private var likePairs: [UInt64] = []
    private let insertModel: Statement
    private let renameModel: Statement
    private let setThumbnail: Statement
    private let insertUser: Statement
    private let insertFeature: Statement

    init(_ db: Database, checkedAt: String) throws {
        self.db = db
        self.checkedAt = checkedAt
        let existingModels = try Row.fetchCursor(db, sql: "SELECT id, mid FROM models")
        while let row = try existingModels.next() { modelIDs[row[1]] = row[0] }
        let existingUsers = try Row.fetchCursor(db, sql: "SELECT id, uid FROM users")
        while let row = try existingUsers.next() { userIDs[row[1]] = row[0] }
        nextUserID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM users") ?? 0) + 1
        insertModel = try db.makeStatement(sql: "INSERT INTO models (mid, name, url) VALUES (?, ?, ?)")
        renameModel = try db.makeStatement(sql: "UPDATE models SET name = ? WHERE id = ? AND name <> ?")
        setThumbnail = try db.makeStatement(sql: "UPDATE models SET thumbnail_url = ?, thumbnail_checked_at = ? WHERE id = ?")
        insertUser = try db.makeStatement(sql: "INSERT INTO users (id, uid) VALUES (?, ?)")
        insertFeature = try db.makeStatement(sql: "INSERT OR IGNORE INTO features (model_id, kind, value) VALUES (?, ?, ?)")
    }

    public func add(_ model: ModelRecord) throws {
        guard seenInBatch.insert(model.mid).inserted else { summary.duplicateModelRows += 1; return }
        if let id = modelIDs[model.mid.rawValue] {
            try renameModel.execute(arguments: [model.name, id, model.name])
            if db.changesCount > 0 { summary.modelsUpdated += 1 }
        } else {
            try insertModel.execute(arguments: [model.mid.rawValue, model.name, model.mid.sketchfabURL])
            modelIDs[model.mid.rawValue] = db.lastInsertedRowID
            summary.modelsAdded += 1
        }
    }

    public func setLocalThumbnail(_ mid: ModelID, file: String) throws {
        guard let id = modelIDs[mid.rawValue] else { return }
        try setThumbnail.execute(arguments: ["/thumbnails/\(file)", checkedAt, id])
        summary.localThumbnails += 1
    }

    public func add(_ like: LikeRecord) throws {
        guard let modelID = modelIDs[like.mid.rawValue] else { summary.likesOfUnknownModels += 1; return }
        let userID: Int64
        if let known = userIDs[like.user] {
            userID = known
        } else {
            userID = nextUserID
            nextUserID += 1
            // Unchecked arguments: the statement's two placeholders are known, and this runs per new user.
            insertUser.setUncheckedArguments([userID, like.user])
            try insertUser.execute()
            userIDs[like.user] = userID
            summary.usersAdded += 1
        }
        guard (0..<(1 << 32)).contains(userID), (0..<(1 << 32)).contains(modelID) else {
            throw CatalogStoreError.idPastLimit(max(userID, modelID))
        }
        likePairs.append(UInt64(userID) << 32 | UInt64(modelID))
    }

    public func add(_ feature: FeatureRecord) throws {
        guard let modelID = modelIDs[feature.mid.rawValue] else { summary.featuresOfUnknownModels += 1; return }
        try insertFeature.execute(arguments: [modelID, feature.kind.rawValue, feature.value])
        if db.changesCount > 0 { summary.featuresAdded += 1 } else { summary.duplicateFeatures += 1 }
    }

    public func replaceCurated(_ curated: [ModelRecord]) throws {
        try db.execute(sql: "DELETE FROM curated_models")
        let insertCurated = try db.makeStatement(sql: "INSERT OR IGNORE INTO curated_models (model_id, position) VALUES (?, ?)")
        summary.curatedModels = 0
        summary.curatedUnknownModels = 0
        for (position, entry) in curated.enumerated() {
            guard let modelID = modelIDs[entry.mid.rawValue] else { summary.curatedUnknownModels += 1; continue }
            try insertCurated.execute(arguments: [modelID, position])
            if db.changesCount > 0 { summary.curatedModels += 1 }
        }
    }

    /// Writes the likes in key order and recounts every model's likes.
    func finish(progress: @escaping (String) -> Void) throws {
        likePairs.sort()
        var meter = ProgressMeter("import likes: writing", unit: "likes", total: likePairs.count, report: progress)
        let insertLike = try db.makeStatement(sql: "INSERT OR IGNORE INTO likes (user_id, model_id) VALUES (?, ?)")
        var previous: UInt64?
        for (index, pair) in likePairs.enumerated() {
            meter.update(index)
            if pair == previous { summary.duplicateLikes += 1; continue }
            previous = pair
            insertLike.setUncheckedArguments([Int64(pair >> 32), Int64(pair & 0xFFFF_FFFF)])
            try insertLike.execute()
            if db.changesCount > 0 { summary.likesAdded += 1 } else { summary.duplicateLikes += 1 }
        }
        likePairs = []
        // One grouped pass over the likes rather than a count per model (likes are keyed by user first).
        try db.execute(sql: """
            UPDATE models SET like_count = 0;
            UPDATE models SET like_count = counted.likes
            FROM (SELECT model_id, count(*) AS likes FROM likes GROUP BY model_id) AS counted
            WHERE counted.model_id = models.id;
            """)
    }
}
