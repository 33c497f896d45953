import CatalogFiles
import Foundation
import GRDB

/// Everything the site shows, read from the database in one transaction: what a server turns into its in-memory
/// snapshot so that no request runs SQL. Models are numbered by their position in `models`; lists hold those numbers.
public struct PublishedCatalog: Sendable {
    /// One algorithm's stored lists as compressed rows: model `i`'s recommendations are
    /// `items[offsets[i]..<offsets[i + 1]]`, best first, with their scores.
    public struct Lists: Sendable {
        public var offsets: [Int32]
        public var items: [Int32]
        public var scores: [Float]
        /// Per item of `items`: users who liked both models, −1 where the algorithm stores no reason.
        public var coLikers: [Int32]
        /// Per item of `items`, `connectingWidth` slots: models those users also liked, −1 in unused slots.
        public var connecting: [Int32]

        public static let connectingWidth = 3

        public init(offsets: [Int32], items: [Int32], scores: [Float], coLikers: [Int32]? = nil, connecting: [Int32]? = nil) {
            self.offsets = offsets
            self.items = items
            self.scores = scores
            self.coLikers = coLikers ?? [Int32](repeating: -1, count: items.count)
            self.connecting = connecting ?? [Int32](repeating: -1, count: items.count * Self.connectingWidth)
        }
    }

    /// Item factors of a factorisation model, by model position, for folding in a visitor's likes.
    public struct FoldInFactors: Sendable {
        public var algorithm: String
        public var factors: Int
        public var regularization: Float
        public var alpha: Float
        /// `factors` values per model, in model order; rows of models the model never saw are zero.
        public var vectors: [Float]
        /// Whether the model saw each model (a liked one has factors).
        public var known: [Bool]
    }

    /// The newest stored run of `evaluate --db`.
    public struct StoredEvaluation: Sendable {
        public var recordedAt: String
        /// The report as `evaluate --json` writes it.
        public var report: String
    }

    /// The newest stored run of `tune` for one algorithm: the grid of settings it tried on a validation split.
    public struct StoredTuning: Sendable {
        public var algorithm: String
        public var recordedAt: String
        /// The report as `tune` stores it (`CatalogStore.saveTuning(report:)`).
        public var report: String

        public init(algorithm: String, recordedAt: String, report: String) {
            self.algorithm = algorithm
            self.recordedAt = recordedAt
            self.report = report
        }
    }

    public var generation: Int64
    public var models: [ModelSummary]
    public var algorithms: [AlgorithmInfo]
    /// Keyed by algorithm name.
    public var lists: [String: Lists]
    /// Per model: its own tags and categories, and the tags suggested for it.
    public var carried: [[FeatureKey]]
    public var suggested: [[FeatureKey]]
    /// Per tag or category: the nearest models, best first.
    public var featureModels: [FeatureKey: [Int32]]
    /// The picker's list (see `PublishedCatalogReader.picker`).
    public var picker: [Int32]
    public var foldIn: FoldInFactors?
    public var evaluation: StoredEvaluation?
    /// The newest run of `tune` per algorithm, ordered by algorithm name.
    public var tunings: [StoredTuning] = []
}

extension CatalogStore {
    /// The generation `import` and `train` publish; a server polls it to know when to reload.
    public func publishedGeneration() throws -> Int64 {
        try database.read(Self.generation)
    }

    static func generation(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT generation FROM published_generation WHERE id = 1") ?? 0
    }

    /// Marks everything written so far as one new generation for running servers to load.
    public func publish() throws {
        try database.write { db in try Self.publish(db) }
    }

    static func publish(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE published_generation SET generation = generation + 1,
                published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = 1
            """)
    }

    /// The published catalogue, every table read in one transaction (so a publication in between cannot mix two).
    public func publishedCatalog() throws -> PublishedCatalog {
        try database.read { db in
            let generation = try Self.generation(db)
            let (models, index) = try PublishedCatalogReader.models(db)
            let algorithms = try PublishedCatalogReader.algorithmRuns(db)
            var lists: [String: PublishedCatalog.Lists] = [:]
            for algorithm in algorithms {
                lists[algorithm.algorithm] = try PublishedCatalogReader.recommendations(db, of: algorithm.algorithm, index: index,
                                                                                        modelCount: models.count)
            }
            return PublishedCatalog(
                generation: generation, models: models, algorithms: algorithms, lists: lists,
                carried: try PublishedCatalogReader.features(db, table: "features", order: "kind, value", index: index, modelCount: models.count),
                suggested: try PublishedCatalogReader.features(db, table: "feature_suggestions", order: "rank", index: index, modelCount: models.count),
                featureModels: try PublishedCatalogReader.featureModels(db, index: index),
                picker: try PublishedCatalogReader.picker(db, models: models, index: index),
                foldIn: try PublishedCatalogReader.foldInFactors(db, index: index, modelCount: models.count),
                evaluation: try PublishedCatalogReader.newestEvaluation(db),
                tunings: try PublishedCatalogReader.newestTunings(db))
        }
    }

    /// A blob of fixed-width values, copied out (a blob's bytes carry no alignment promise).
    static func values<Value: BitwiseCopyable>(of type: Value.Type, in data: Data) -> [Value] {
        let count = data.count / MemoryLayout<Value>.stride
        return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = data.copyBytes(to: buffer) / MemoryLayout<Value>.stride
        }
    }
}

/// One reader per table of the published catalogue, each inside the caller's transaction. Database ids become model
/// positions through `index`; rows naming a model that is not there are skipped.
enum PublishedCatalogReader {
    typealias ModelIndex = [Int64: Int32]

    /// `models`, in id order: a model's position is its number everywhere else.
    static func models(_ db: Database) throws -> ([ModelSummary], ModelIndex) {
        var index: ModelIndex = [:]
        var models: [ModelSummary] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, mid, name, url, thumbnail_url, like_count FROM models ORDER BY id")
        while let row = try rows.next() {
            index[row[0]] = Int32(models.count)
            models.append(ModelSummary(mid: row[1], name: row[2], url: row[3], thumbnailURL: row[4], likeCount: row[5]))
        }
        return (models, index)
    }

    /// `algorithm_runs`, in display order.
    static func algorithmRuns(_ db: Database) throws -> [AlgorithmInfo] {
        try Row.fetchAll(db, sql: """
            SELECT algorithm, title, description, display_order, parameters, trained_at, train_seconds
            FROM algorithm_runs ORDER BY display_order, algorithm
            """).map {
            AlgorithmInfo(algorithm: $0[0], title: $0[1], description: $0[2], displayOrder: $0[3],
                          parameters: $0[4], trainedAt: $0[5], trainSeconds: $0[6])
        }
    }

    /// `recommendations` of one algorithm, as compressed rows with their reasons.
    static func recommendations(_ db: Database, of algorithm: String, index: ModelIndex, modelCount: Int) throws -> PublishedCatalog.Lists {
        var offsets: [Int32] = [0], items: [Int32] = [], scores: [Float] = [], coLikers: [Int32] = [], connecting: [Int32] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT model_id, recommended_id, score, co_likers, connecting FROM recommendations
            WHERE algorithm = ? ORDER BY model_id, rank
            """, arguments: [algorithm])
        while let row = try rows.next() {
            guard let from = index[row[0]], let to = index[row[1]] else { continue }
            // Rows come in model order, the order models are numbered in: open this model's list, closing the
            // (possibly empty) lists before it.
            while offsets.count <= Int(from) { offsets.append(Int32(items.count)) }
            items.append(to)
            scores.append(Float(row[2] as Double))
            coLikers.append((row[3] as Int?).map { Int32(clamping: $0) } ?? -1)
            var slots = [Int32](repeating: -1, count: PublishedCatalog.Lists.connectingWidth)
            if let text = row[4] as String? {
                let known = text.split(separator: " ").compactMap { Int64($0).flatMap { index[$0] } }
                for (slot, model) in known.prefix(slots.count).enumerated() { slots[slot] = model }
            }
            connecting.append(contentsOf: slots)
        }
        while offsets.count <= modelCount { offsets.append(Int32(items.count)) }
        return .init(offsets: offsets, items: items, scores: scores, coLikers: coLikers, connecting: connecting)
    }

    /// `features` (what each model carries) or `feature_suggestions` (what it could carry), per model.
    static func features(_ db: Database, table: String, order: String, index: ModelIndex, modelCount: Int) throws -> [[FeatureKey]] {
        var perModel = [[FeatureKey]](repeating: [], count: modelCount)
        let rows = try Row.fetchCursor(db, sql: "SELECT model_id, kind, value FROM \(table) ORDER BY model_id, \(order)")
        while let row = try rows.next() {
            if let model = index[row[0]], let key = FeatureKey(storedKind: row[1], value: row[2]) { perModel[Int(model)].append(key) }
        }
        return perModel
    }

    /// `feature_models`: per tag or category, the nearest models, best first.
    static func featureModels(_ db: Database, index: ModelIndex) throws -> [FeatureKey: [Int32]] {
        var featureModels: [FeatureKey: [Int32]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT kind, value, model_id FROM feature_models ORDER BY kind, value, rank")
        while let row = try rows.next() {
            if let model = index[row[2]], let key = FeatureKey(storedKind: row[0], value: row[1]) { featureModels[key, default: []].append(model) }
        }
        return featureModels
    }

    /// The picker's list: the curated models (`curated_models`) sorted by name, else the 100 most liked sorted by name.
    static func picker(_ db: Database, models: [ModelSummary], index: ModelIndex, limit: Int = 100) throws -> [Int32] {
        let curated = try Int64.fetchAll(db, sql: """
            SELECT m.id FROM curated_models c JOIN models m ON m.id = c.model_id ORDER BY m.name COLLATE NOCASE, m.mid LIMIT ?
            """, arguments: [limit]).compactMap { index[$0] }
        guard curated.isEmpty else { return curated }
        return try Int64.fetchAll(db, sql: "SELECT id FROM models ORDER BY like_count DESC, mid LIMIT ?", arguments: [limit])
            .compactMap { index[$0] }
            .sorted { models[Int($0)].name.localizedCaseInsensitiveCompare(models[Int($1)].name) == .orderedAscending }
    }

    /// `fold_in_factors`: the item factors "For you" folds a visitor's likes into, by model position.
    static func foldInFactors(_ db: Database, index: ModelIndex, modelCount: Int) throws -> PublishedCatalog.FoldInFactors? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT algorithm, factors, regularization, alpha, model_ids, vectors FROM fold_in_factors ORDER BY algorithm LIMIT 1
            """) else { return nil }
        let factors: Int = row[1], ids: Data = row[4], stored: Data = row[5]
        let modelIDs = CatalogStore.values(of: Int64.self, in: ids), rows = CatalogStore.values(of: Float.self, in: stored)
        guard factors > 0, rows.count == modelIDs.count * factors else { return nil }
        var vectors = [Float](repeating: 0, count: modelCount * factors)
        var known = [Bool](repeating: false, count: modelCount)
        for (position, id) in modelIDs.enumerated() {
            guard let model = index[id] else { continue }
            let start = position * factors
            let row = rows[start..<(start + factors)]
            guard row.contains(where: { $0 != 0 }) else { continue }
            vectors.replaceSubrange(Int(model) * factors..<(Int(model) + 1) * factors, with: row)
            known[Int(model)] = true
        }
        return .init(algorithm: row[0], factors: factors, regularization: Float(row[2] as Double),
                     alpha: Float(row[3] as Double), vectors: vectors, known: known)
    }

    /// `evaluation_runs`: the newest.
    static func newestEvaluation(_ db: Database) throws -> PublishedCatalog.StoredEvaluation? {
        try Row.fetchOne(db, sql: "SELECT recorded_at, report FROM evaluation_runs ORDER BY id DESC LIMIT 1")
            .map { PublishedCatalog.StoredEvaluation(recordedAt: $0[0], report: $0[1]) }
    }

    /// `tuning_runs`: the newest per algorithm, by algorithm name.
    static func newestTunings(_ db: Database) throws -> [PublishedCatalog.StoredTuning] {
        try Row.fetchAll(db, sql: """
            SELECT algorithm, recorded_at, report FROM tuning_runs
            WHERE id IN (SELECT max(id) FROM tuning_runs GROUP BY algorithm)
            ORDER BY algorithm
            """).map { PublishedCatalog.StoredTuning(algorithm: $0[0], recordedAt: $0[1], report: $0[2]) }
    }
}
