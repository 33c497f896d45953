import Foundation
import GRDB

/// A model whose thumbnail link is due for re-reading.
public struct ThumbnailCheck: Sendable, Equatable {
    public var mid: String
    public var url: String?
    public var checkedAt: Date?
}

extension CatalogStore {
    /// Models never checked first, then those checked longest ago, up to `limit`, among those last checked at or
    /// before `checkedBefore`. Check times are stored to the second, so "at or before" is what makes an age of zero
    /// include a model checked earlier in the same second. Local thumbnails (served from a folder) have nothing to
    /// refresh and are left out.
    public func thumbnailsDue(checkedBefore: Date, limit: Int) throws -> [ThumbnailCheck] {
        let cutoff = ISO8601DateFormatter().string(from: checkedBefore)
        let formatter = ISO8601DateFormatter()
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT mid, thumbnail_url, thumbnail_checked_at FROM models
                WHERE (thumbnail_checked_at IS NULL OR thumbnail_checked_at <= ?)
                  AND (thumbnail_url IS NULL OR thumbnail_url NOT LIKE '/thumbnails/%')
                ORDER BY thumbnail_checked_at IS NOT NULL, thumbnail_checked_at, id
                LIMIT ?
                """, arguments: [cutoff, limit]).map { row in
                ThumbnailCheck(mid: row[0], url: row[1], checkedAt: (row[2] as String?).flatMap { formatter.date(from: $0) })
            }
        }
    }

    /// Records a successful check: the link is replaced only when it changed, and never with nothing.
    /// Returns whether the link changed.
    @discardableResult
    public func recordThumbnailCheck(mid: String, url: String?, at date: Date) throws -> Bool {
        let checkedAt = ISO8601DateFormatter().string(from: date)
        return try database.write { db in
            if let url, !url.isEmpty {
                try db.execute(sql: """
                    UPDATE models SET thumbnail_url = ?, thumbnail_checked_at = ?
                    WHERE mid = ? AND thumbnail_url IS NOT ?
                    """, arguments: [url, checkedAt, mid, url])
                if db.changesCount > 0 { return true }
            }
            try db.execute(sql: "UPDATE models SET thumbnail_checked_at = ? WHERE mid = ?", arguments: [checkedAt, mid])
            return false
        }
    }

    public func thumbnailURL(mid: String) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT thumbnail_url FROM models WHERE mid = ?", arguments: [mid]) }
    }
}
