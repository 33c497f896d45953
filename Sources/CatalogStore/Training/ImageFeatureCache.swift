import Foundation
import GRDB

/// The content key of the image feature cache: FNV-1a 64 of the file's bytes and their count, not a security
/// measure. `train` keys what it describes by it; a server with live models finds the catalogue's features by it.
public enum ImageChecksum {
    public static func of(_ data: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16) + "-" + String(data.count)
    }
}

extension CatalogStore {
    /// Every model's thumbnail URL, where one is known, keyed by database id.
    public func thumbnailURLs() throws -> [Int64: String] {
        try database.read { db in
            var result: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, thumbnail_url FROM models WHERE thumbnail_url IS NOT NULL") {
                result[row[0]] = row[1]
            }
            return result
        }
    }

    /// Cached descriptors of the images with these checksums, computed by `descriptor`.
    public func cachedImageFeatures(checksums: [String], descriptor: String) throws -> [String: [Float]] {
        try database.read { db in
            var result: [String: [Float]] = [:]
            let statement = try db.makeStatement(sql: "SELECT features FROM image_features WHERE checksum = ? AND descriptor = ?")
            for checksum in Set(checksums) {
                guard let blob = try Data.fetchOne(statement, arguments: [checksum, descriptor]) else { continue }
                result[checksum] = blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            return result
        }
    }

    public func saveImageFeatures(_ features: [String: [Float]], descriptor: String) throws {
        try database.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO image_features (checksum, descriptor, features) VALUES (?, ?, ?)
                """)
            for (checksum, values) in features.sorted(by: { $0.key < $1.key }) {
                let blob = values.withUnsafeBufferPointer { Data(buffer: $0) }
                try statement.execute(arguments: [checksum, descriptor, blob])
            }
        }
    }
}
