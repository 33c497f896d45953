import Dispatch
import ElapsedTime
import Foundation
import ImageCodecs
import Synchronization
import ParallelWork

public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
}

/// Decoded thumbnails and their file names, in file-name order; unreadable files are left out.
public struct DecodedThumbnails: Sendable {
    public var names: [String]
    public var images: [RGBImage]
}

/// Thumbnails per second through `ImageFile.decode`, three ways: reading and decoding file by file on one thread
/// (what `bench-visual` has always printed, so runs of older builds compare), then decoding alone from memory on one
/// thread and on `threads`.
public struct ThumbnailDecodeBenchmark: Sendable {
    public var folder: URL
    public var count: Int
    public var threads: Int

    public init(folder: URL, count: Int, threads: Int) {
        self.folder = folder
        self.count = count
        self.threads = max(1, threads)
    }

    public func run(progress: (String) -> Void) throws -> DecodedThumbnails {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted().prefix(count).map { $0 }
        } catch {
            throw BenchmarkError(description: "cannot list \(folder.path): \(error.localizedDescription)")
        }
        let clock = ContinuousClock()
        var start = clock.now
        var files: [[UInt8]] = []
        var decoded = DecodedThumbnails(names: [], images: [])
        for name in names {
            let bytes = (try? Data(contentsOf: folder.appendingPathComponent(name))).map { [UInt8]($0) } ?? []
            files.append(bytes)
            if let image = try? ImageFile.decode(bytes) {
                decoded.names.append(name)
                decoded.images.append(image)
            }
        }
        let readAndDecode = (clock.now - start).inSeconds
        guard let first = decoded.images.first else { throw BenchmarkError(description: "no readable images in \(folder.path)") }
        progress(String(format: "decoded %d images (%d×%d) in %.2f s (%.2f ms/image): read and decoded one by one, %d of %d readable",
                        decoded.images.count, first.width, first.height, readAndDecode, readAndDecode * 1000 / Double(files.count),
                        decoded.images.count, files.count))

        start = clock.now
        var readable = 0
        for bytes in files where (try? ImageFile.decode(bytes)) != nil { readable += 1 }
        let oneThread = (clock.now - start).inSeconds
        progress(String(format: "decode only, 1 thread: %d images in %.2f s, %.3f ms/image, %.0f images/s", readable, oneThread,
                        oneThread * 1000 / Double(files.count), Double(files.count) / oneThread))
        guard threads > 1 else { return decoded }
        let shared = files
        start = clock.now
        Parallel.forEachChunk(of: shared.count, chunk: 1, workers: threads) { range, _ in
            for index in range { _ = try? ImageFile.decode(shared[index]) }
        }
        let seconds = (clock.now - start).inSeconds
        progress(String(format: "decode only, %d threads: %.2f s, %.0f images/s", threads, seconds, Double(files.count) / seconds))
        return decoded
    }
}
