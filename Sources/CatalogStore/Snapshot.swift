import Foundation
import GRDB

/// Everything the explorer shows, read in one transaction: what a server loads into memory so that no request
/// runs SQL. Models are numbered by their position in `models`; lists hold those numbers.
public struct CatalogSnapshotSource: Sendable {
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
    /// The picker's list: the curated models sorted by name, else the 100 most liked sorted by name.
    public var picker: [Int32]
    public var foldIn: FoldInFactors?
    public var evaluation: StoredEvaluation?
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

    public func snapshotSource() throws -> CatalogSnapshotSource {
        try database.read { db in
            let generation = try Self.generation(db)
            var index: [Int64: Int32] = [:]
            var models: [ModelSummary] = []
            let modelRows = try Row.fetchCursor(db, sql: "SELECT id, mid, name, url, thumbnail_url, like_count FROM models ORDER BY id")
            while let row = try modelRows.next() {
                index[row[0]] = Int32(models.count)
                models.append(ModelSummary(mid: row[1], name: row[2], url: row[3], thumbnailURL: row[4], likeCount: row[5]))
            }
            let algorithms = try Row.fetchAll(db, sql: """
                SELECT algorithm, title, description, display_order, parameters, trained_at, train_seconds
                FROM algorithm_runs ORDER BY display_order, algorithm
                """).map {
                AlgorithmInfo(algorithm: $0[0], title: $0[1], description: $0[2], displayOrder: $0[3],
                              parameters: $0[4], trainedAt: $0[5], trainSeconds: $0[6])
            }
            var lists: [String: CatalogSnapshotSource.Lists] = [:]
            for algorithm in algorithms {
                var offsets: [Int32] = [0], items: [Int32] = [], scores: [Float] = [], coLikers: [Int32] = [], connecting: [Int32] = []
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT model_id, recommended_id, score, co_likers, connecting FROM recommendations
                    WHERE algorithm = ? ORDER BY model_id, rank
                    """, arguments: [algorithm.algorithm])
                while let row = try rows.next() {
                    guard let from = index[row[0]], let to = index[row[1]] else { continue }
                    // Rows come in model order, the order models are numbered in: open this model's list, closing
                    // the (possibly empty) lists before it.
                    while offsets.count <= Int(from) { offsets.append(Int32(items.count)) }
                    items.append(to)
                    scores.append(Float(row[2] as Double))
                    coLikers.append((row[3] as Int?).map { Int32(clamping: $0) } ?? -1)
                    var slots = [Int32](repeating: -1, count: CatalogSnapshotSource.Lists.connectingWidth)
                    if let text = row[4] as String? {
                        let known = text.split(separator: " ").compactMap { Int64($0).flatMap { index[$0] } }
                        for (slot, model) in known.prefix(slots.count).enumerated() { slots[slot] = model }
                    }
                    connecting.append(contentsOf: slots)
                }
                while offsets.count <= models.count { offsets.append(Int32(items.count)) }
                lists[algorithm.algorithm] = .init(offsets: offsets, items: items, scores: scores, coLikers: coLikers, connecting: connecting)
            }
            var carried = [[FeatureKey]](repeating: [], count: models.count)
            let featureRows = try Row.fetchCursor(db, sql: "SELECT model_id, kind, value FROM features ORDER BY model_id, kind, value")
            while let row = try featureRows.next() {
                if let model = index[row[0]] { carried[Int(model)].append(FeatureKey(kind: row[1], value: row[2])) }
            }
            var suggested = [[FeatureKey]](repeating: [], count: models.count)
            let suggestionRows = try Row.fetchCursor(db, sql: "SELECT model_id, kind, value FROM feature_suggestions ORDER BY model_id, rank")
            while let row = try suggestionRows.next() {
                if let model = index[row[0]] { suggested[Int(model)].append(FeatureKey(kind: row[1], value: row[2])) }
            }
            var featureModels: [FeatureKey: [Int32]] = [:]
            let nearRows = try Row.fetchCursor(db, sql: "SELECT kind, value, model_id FROM feature_models ORDER BY kind, value, rank")
            while let row = try nearRows.next() {
                if let model = index[row[2]] { featureModels[FeatureKey(kind: row[0], value: row[1]), default: []].append(model) }
            }
            var picker = try Int64.fetchAll(db, sql: """
                SELECT m.id FROM curated_models c JOIN models m ON m.id = c.model_id ORDER BY m.name COLLATE NOCASE, m.mid LIMIT 100
                """).compactMap { index[$0] }
            if picker.isEmpty {
                picker = try Int64.fetchAll(db, sql: "SELECT id FROM models ORDER BY like_count DESC, mid LIMIT 100").compactMap { index[$0] }
                picker.sort { models[Int($0)].name.localizedCaseInsensitiveCompare(models[Int($1)].name) == .orderedAscending }
            }
            var foldIn: CatalogSnapshotSource.FoldInFactors?
            if let row = try Row.fetchOne(db, sql: """
                SELECT algorithm, factors, regularization, alpha, model_ids, vectors FROM fold_in_factors ORDER BY algorithm LIMIT 1
                """) {
                let factors: Int = row[1], ids: Data = row[4], stored: Data = row[5]
                let modelIDs = Self.values(of: Int64.self, in: ids), rows = Self.values(of: Float.self, in: stored)
                if factors > 0, rows.count == modelIDs.count * factors {
                    var vectors = [Float](repeating: 0, count: models.count * factors)
                    var known = [Bool](repeating: false, count: models.count)
                    for (position, id) in modelIDs.enumerated() {
                        guard let model = index[id] else { continue }
                        let start = position * factors
                        let row = rows[start..<(start + factors)]
                        guard row.contains(where: { $0 != 0 }) else { continue }
                        vectors.replaceSubrange(Int(model) * factors..<(Int(model) + 1) * factors, with: row)
                        known[Int(model)] = true
                    }
                    foldIn = .init(algorithm: row[0], factors: factors, regularization: Float(row[2] as Double),
                                   alpha: Float(row[3] as Double), vectors: vectors, known: known)
                }
            }
            let evaluation = try Row.fetchOne(db, sql: "SELECT recorded_at, report FROM evaluation_runs ORDER BY id DESC LIMIT 1")
                .map { CatalogSnapshotSource.StoredEvaluation(recordedAt: $0[0], report: $0[1]) }
            return CatalogSnapshotSource(generation: generation, models: models, algorithms: algorithms, lists: lists,
                                         carried: carried, suggested: suggested, featureModels: featureModels, picker: picker,
                                         foldIn: foldIn, evaluation: evaluation)
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
