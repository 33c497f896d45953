import CatalogFiles
import CatalogStore
import Dispatch
import Foundation
import ImageCodecs
import Synchronization
import VisualFeatures
import ParallelWork

/// One slice of the thumbnails: the K-th of N (1-based), by a hash of the model id, so every machine of a batch
/// system (a Kubernetes indexed Job, a Slurm array, plain ssh) gets the same slice for the same K on any run.
public struct FeatureShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, count <= 100_000,
              (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the model `mid` (its thumbnail `{mid}.jpg`) belongs to this shard: FNV-1a of the id, modulo N.
    public func holds(_ mid: String) -> Bool {
        let hash = mid.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        return Int(hash % UInt64(count)) == index - 1
    }
}

public struct FeatureShardError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

/// A shard's features in a self-describing file: a JSON header line (format, descriptor, dimensions, shard), then one
/// JSON line per image with its model id, the content checksum the training cache is keyed by, and its features
/// as little-endian float32 in base64 (exact: merged features equal the ones computed in one place bit for bit).
public enum FeatureShardFile {
    public static let format = "recasketch-features/1"

    struct Header: Codable {
        var format: String
        var descriptor: String
        var dimensions: Int
        var shard: Int
        var shards: Int
        var images: Int
    }

    struct Record: Codable {
        var mid: String
        var checksum: String
        var features: String
    }

    public struct Summary: Sendable, Equatable {
        public var images: Int
        public var unreadable: [String]
        public var seconds: Double
    }

    /// Describes the shard's thumbnails (`{mid}.jpg` in `thumbnails`) on `threads` threads and writes `output` by temp
    /// file and rename. Unreadable images are listed, not fatal.
    public static func describe(thumbnails: URL, shard: FeatureShard, descriptor: VisualDescriptor, threads: Int, output: URL,
                                progress: (String) -> Void = { _ in }) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: thumbnails.path) } catch {
            throw FeatureShardError(description: "\(thumbnails.path): cannot list the thumbnails folder (\(error.localizedDescription))")
        }
        let mine = names.filter { $0.hasSuffix(".jpg") && !$0.hasPrefix(".") }.map { String($0.dropLast(4)) }.filter(shard.holds).sorted()
        progress("features \(shard): \(mine.count) of \(names.count) thumbnails in this shard, descriptor \(descriptor.name)")
        let results = Mutex([Record?](repeating: nil, count: mine.count))
        let failures = Mutex<[String]>([])
        let workers = max(1, threads)
        Parallel.forEachShare(of: mine.count, workers: workers) { share, _ in
            let describe = descriptor.makeDescriber()
            for position in share {
                let file = thumbnails.appendingPathComponent("\(mine[position]).jpg")
                do {
                    let data = try Data(contentsOf: file)
                    let values = describe(try ImageFile.decode([UInt8](data)))
                    let bytes = values.map(\.bitPattern.littleEndian).withUnsafeBufferPointer { Data(buffer: $0) }
                    let record = Record(mid: mine[position], checksum: VisualTraining.checksum(data), features: bytes.base64EncodedString())
                    results.withLock { $0[position] = record }
                } catch {
                    failures.withLock { $0.append("\(file.path): \(error)") }
                }
            }
        }
        let records = results.withLock { $0 }.compactMap { $0 }
        var text = Data()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text.append(try encoder.encode(Header(format: format, descriptor: descriptor.name, dimensions: descriptor.dimension,
                                              shard: shard.index, shards: shard.count, images: records.count)))
        text.append(0x0A)
        for record in records {
            text.append(try encoder.encode(record))
            text.append(0x0A)
        }
        try AtomicFile.write(text, to: output)
        let summary = Summary(images: records.count, unreadable: failures.withLock { $0 }, seconds: (clock.now - start).inSeconds)
        progress(String(format: "features %@: %d images described in %.2f s (%.1f ms each on %d threads), %d unreadable → %@",
                        shard.description, summary.images, summary.seconds, summary.seconds * 1000 / Double(max(1, summary.images)),
                        workers, summary.unreadable.count, output.path))
        return summary
    }

    /// Loads shard files into the catalogue's feature cache in one transaction, so `train --algorithms visual` uses
    /// them instead of describing the images again. Every file must be whole and of the same descriptor; a missing
    /// or repeated shard is an error naming it.
    public static func merge(_ files: [URL], into store: CatalogStore, progress: (String) -> Void = { _ in }) throws -> Int {
        guard !files.isEmpty else { throw FeatureShardError(description: "no shard files given") }
        var descriptor: String?, dimensions = 0, shards = 0
        var seenShards = Set<Int>()
        var features: [String: [Float]] = [:]
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw FeatureShardError(description: "\(file.path): cannot read (\(error.localizedDescription))")
            }
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
            guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first)), header.format == format else {
                throw FeatureShardError(description: "\(file.path): line 1 is not a \(format) header")
            }
            if let descriptor, descriptor != header.descriptor || dimensions != header.dimensions || shards != header.shards {
                throw FeatureShardError(description: "\(file.path): shard of \(header.descriptor) (\(header.dimensions) dimensions, \(header.shards) shards), the others are \(descriptor) (\(dimensions), \(shards))")
            }
            descriptor = header.descriptor
            dimensions = header.dimensions
            shards = header.shards
            guard seenShards.insert(header.shard).inserted else {
                throw FeatureShardError(description: "\(file.path): shard \(header.shard)/\(header.shards) is given twice")
            }
            guard lines.count - 1 == header.images else {
                throw FeatureShardError(description: "\(file.path): the header promises \(header.images) images, the file holds \(lines.count - 1): is it cut short?")
            }
            for (number, line) in lines.dropFirst().enumerated() {
                guard let record = try? JSONDecoder().decode(Record.self, from: Data(line)), let bytes = Data(base64Encoded: record.features),
                      bytes.count == dimensions * 4 else {
                    throw FeatureShardError(description: "\(file.path): line \(number + 2) is not a record of \(dimensions) features")
                }
                let patterns = [UInt32](unsafeUninitializedCapacity: dimensions) { buffer, count in
                    count = bytes.copyBytes(to: buffer) / 4
                }
                features[record.checksum] = patterns.map { Float(bitPattern: UInt32(littleEndian: $0)) }
            }
        }
        let missing = (1...max(1, shards)).filter { !seenShards.contains($0) }
        guard missing.isEmpty else {
            throw FeatureShardError(description: "shards \(missing.map { "\($0)/\(shards)" }.joined(separator: ", ")) are missing: merge every shard of the run")
        }
        try store.saveImageFeatures(features, descriptor: descriptor ?? "")
        progress("merged \(features.count) images' \(descriptor ?? "") features from \(files.count) shards into \(store.path)")
        return features.count
    }
}
