import Foundation
import GRDB

/// The SQLite catalogue: models, likes, features, the curated picker list, algorithm runs and their
/// precomputed item-to-item recommendations. All SQL of the project lives in this target.
public final class CatalogStore: Sendable {
    public let path: String
    let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        // A bulk import touches far more pages than SQLite's 2 MB default cache holds; spilling them to the WAL
        // mid-transaction doubled the import time.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -131072") }
        if !readOnly {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        database = try DatabasePool(path: path, configuration: configuration)
        if !readOnly {
            try CatalogSchema.migrator.migrate(database)
        }
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try database.read { db in try CatalogSchema.migrator.appliedMigrations(db) }
    }

    public func counts() throws -> CatalogCounts {
        try database.read { db in
            CatalogCounts(
                models: try Int.fetchOne(db, sql: "SELECT count(*) FROM models") ?? 0,
                users: try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0,
                likes: try Int.fetchOne(db, sql: "SELECT count(*) FROM likes") ?? 0,
                features: try Int.fetchOne(db, sql: "SELECT count(*) FROM features") ?? 0,
                curated: try Int.fetchOne(db, sql: "SELECT count(*) FROM curated_models") ?? 0,
                recommendations: try Int.fetchOne(db, sql: "SELECT count(*) FROM recommendations") ?? 0)
        }
    }
}

public struct CatalogCounts: Equatable, Sendable, CustomStringConvertible {
    public var models, users, likes, features, curated, recommendations: Int
    public var description: String {
        "\(models) models, \(users) users, \(likes) likes, \(features) features, \(curated) curated, \(recommendations) recommendations"
    }
}

enum CatalogSchema {
    /// Migrations are named and append-only: never edit one that has shipped, add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-26-catalog") { db in
            try db.execute(sql: """
                CREATE TABLE models (
                    id INTEGER PRIMARY KEY,
                    mid TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    url TEXT NOT NULL,
                    thumbnail_url TEXT,
                    thumbnail_checked_at TEXT,
                    like_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    uid TEXT NOT NULL UNIQUE
                );
                CREATE TABLE likes (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    PRIMARY KEY (user_id, model_id)
                ) WITHOUT ROWID;
                CREATE TABLE features (
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, kind, value)
                ) WITHOUT ROWID;
                CREATE TABLE curated_models (
                    model_id INTEGER PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL
                );
                CREATE TABLE algorithm_runs (
                    algorithm TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL,
                    display_order INTEGER NOT NULL,
                    parameters TEXT NOT NULL,
                    trained_at TEXT NOT NULL,
                    train_seconds REAL NOT NULL
                );
                CREATE TABLE recommendations (
                    algorithm TEXT NOT NULL REFERENCES algorithm_runs(algorithm) ON DELETE CASCADE,
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    rank INTEGER NOT NULL CHECK (rank >= 1),
                    recommended_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    score REAL NOT NULL,
                    PRIMARY KEY (model_id, algorithm, rank)
                ) WITHOUT ROWID;
                CREATE INDEX recommendations_by_algorithm ON recommendations(algorithm);
                """)
        }
        migrator.registerMigration("2026-11-27-feature-neighbours") { db in
            // What the likes + tags model learnt about each tag or category: the models nearest to it, and
            // for each model the tags it does not carry yet but sits close to.
            try db.execute(sql: """
                CREATE TABLE feature_models (
                    kind TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
                    value TEXT NOT NULL,
                    rank INTEGER NOT NULL CHECK (rank >= 1),
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    score REAL NOT NULL,
                    PRIMARY KEY (kind, value, rank)
                ) WITHOUT ROWID;
                CREATE TABLE feature_suggestions (
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    rank INTEGER NOT NULL CHECK (rank >= 1),
                    kind TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
                    value TEXT NOT NULL,
                    score REAL NOT NULL,
                    PRIMARY KEY (model_id, rank)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-27-image-features") { db in
            // Image descriptors keyed by the image's content, so retraining only looks at new or changed images.
            try db.execute(sql: """
                CREATE TABLE image_features (
                    checksum TEXT NOT NULL,
                    descriptor TEXT NOT NULL,
                    features BLOB NOT NULL,
                    PRIMARY KEY (checksum, descriptor)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29-published-generation") { db in
            // Bumped by `import` and `train` once everything they write is stored: running servers reload their
            // in-memory snapshot when it changes, so they never switch to a half-trained catalogue.
            try db.execute(sql: """
                CREATE TABLE published_generation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    generation INTEGER NOT NULL,
                    published_at TEXT NOT NULL
                );
                INSERT INTO published_generation (id, generation, published_at) VALUES (1, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
                """)
        }
        migrator.registerMigration("2026-11-30-reasons-factors-evaluations") { db in
            // Why a likes-based suggestion was made (users who liked both, and models their tastes share); the
            // item factors a server folds a visitor's likes into; and the stored runs of `evaluate --db`.
            try db.execute(sql: """
                ALTER TABLE recommendations ADD COLUMN co_likers INTEGER;
                ALTER TABLE recommendations ADD COLUMN connecting TEXT;
                CREATE TABLE fold_in_factors (
                    algorithm TEXT PRIMARY KEY REFERENCES algorithm_runs(algorithm) ON DELETE CASCADE,
                    factors INTEGER NOT NULL CHECK (factors >= 1),
                    regularization REAL NOT NULL,
                    alpha REAL NOT NULL,
                    model_ids BLOB NOT NULL,
                    vectors BLOB NOT NULL
                );
                CREATE TABLE evaluation_runs (
                    id INTEGER PRIMARY KEY,
                    recorded_at TEXT NOT NULL,
                    report TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-12-05-tuning-runs") { db in
            // The stored runs of `tune`: the grid of settings tried on a validation split, as its JSON report, for
            // the evaluation page's heat maps (the newest per algorithm is shown).
            try db.execute(sql: """
                CREATE TABLE tuning_runs (
                    id INTEGER PRIMARY KEY,
                    recorded_at TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    report TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-12-06-visitor-counts") { db in
            // What visitors click, as counts only (see OnlineEvaluation): no visitor, address, agent, referrer or
            // time finer than the day is stored. Each server instance adds its own counts to these rows.
            try db.execute(sql: """
                CREATE TABLE visitor_card_counts (
                    day TEXT NOT NULL,
                    carousel TEXT NOT NULL,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    impressions INTEGER NOT NULL DEFAULT 0 CHECK (impressions >= 0),
                    clicks INTEGER NOT NULL DEFAULT 0 CHECK (clicks >= 0),
                    PRIMARY KEY (day, carousel, position)
                ) WITHOUT ROWID;
                CREATE TABLE visitor_pair_counts (
                    day TEXT NOT NULL,
                    first TEXT NOT NULL,
                    second TEXT NOT NULL,
                    wins INTEGER NOT NULL DEFAULT 0 CHECK (wins >= 0),
                    losses INTEGER NOT NULL DEFAULT 0 CHECK (losses >= 0),
                    ties INTEGER NOT NULL DEFAULT 0 CHECK (ties >= 0),
                    PRIMARY KEY (day, first, second),
                    CHECK (first < second)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-06-live-models") { db in
            // Models outside the catalogue that `serve --live-models` read from Sketchfab and computed suggestions
            // for, as the JSON record the server keeps: a restart serves them without a fetch, and instances sharing
            // the database share them.
            try db.execute(sql: """
                CREATE TABLE live_models (
                    mid TEXT PRIMARY KEY,
                    fetched_at REAL NOT NULL,
                    record TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-12-06-hybrid-vectors") { db in
            // The Likes + tags model's embedding of each tag and category and each model's representation, so a
            // server can place a model it never trained on from its tags (`serve --live-models`).
            try db.execute(sql: """
                CREATE TABLE hybrid_vectors (
                    algorithm TEXT PRIMARY KEY REFERENCES algorithm_runs(algorithm) ON DELETE CASCADE,
                    factors INTEGER NOT NULL CHECK (factors >= 1),
                    feature_names TEXT NOT NULL,
                    feature_vectors BLOB NOT NULL,
                    model_ids BLOB NOT NULL,
                    item_vectors BLOB NOT NULL
                );
                """)
        }
        return migrator
    }
}
