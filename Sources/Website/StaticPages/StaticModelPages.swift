import CatalogFiles
import Foundation
import NIOCore

/// `serve --static-pages DIR`: every model page of the catalogue being served, written as a file for nginx to send
/// itself. Relaying a page from an instance costs nginx about as much CPU as the instance spends building it; sending
/// a file costs a fraction of that, so behind nginx model pages go at static-file speed and the instances answer the
/// rest (search, tags, the API, models added since).
///
/// Layout: `DIR/generation-G/models/{mid}.html` with its gzip copy `{mid}.html.gz` beside it (nginx's `gzip_static`
/// sends that to browsers; compressing a 60 KB page on every request would cost nginx more than relaying it), and
/// `DIR/current`, a symlink to the complete generation nginx
/// reads (`root DIR/current`). A generation is written under a temporary name and renamed when complete, then the
/// symlink is replaced in one rename, so nginx never sees half a generation or a mix of two. The previous generation
/// is kept for requests still reading it; older ones are removed. (A rollback, `recasketch restore`, publishes the
/// old catalogue under a new generation, whose pages are written like any other.)
/// Several instances may share DIR: a lock on `DIR/.lock` lets one write while the others wait, then find the
/// generation there already. The files are derived data: losing them costs a rewrite at the next start.
public struct StaticModelPages: Sendable {
    public let folder: URL
    let skeletons: PageSkeletons

    public enum Outcome: Sendable, Equatable {
        case written(generation: Int64, pages: Int, bytes: Int, compressedBytes: Int)
        /// `current` already holds this generation, or a newer one another instance wrote.
        case upToDate(current: Int64)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    init(folder: URL, skeletons: PageSkeletons) {
        self.folder = folder
        self.skeletons = skeletons
    }

    static let currentLink = "current"
    static func directoryName(_ generation: Int64) -> String { "generation-\(generation)" }

    /// The generation `DIR/current` points at, if any.
    public func currentGeneration() -> Int64? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path(Self.currentLink)) else { return nil }
        return Self.generation(ofDirectory: target)
    }

    /// Writes `catalog`'s pages unless `current` has them (or newer ones) already. Blocking: call it off the
    /// threads that serve requests.
    public func publish(_ catalog: ServedCatalog) throws -> Outcome {
        try make(folder.path)
        let lock = open(path(".lock"), O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw failure("cannot open the lock file", path(".lock")) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw failure("cannot lock", path(".lock")) }

        let previous = currentGeneration()
        if let previous, previous >= catalog.generation { return .upToDate(current: previous) }
        let partial = path(".\(Self.directoryName(catalog.generation)).partial")
        try? FileManager.default.removeItem(atPath: partial)
        try make(partial + "/models")
        var pages = 0, bytes = 0, compressedBytes = 0
        do {
            var buffer = ByteBufferAllocator().buffer(capacity: 128 * 1024)
            for index in 0..<catalog.modelCount {
                let mid = catalog.snapshot.models[index].mid
                // Ids come from the catalogue, which only stores valid ones; a name that could leave the folder is
                // never written.
                guard ModelID(mid) != nil else { continue }
                buffer.clear()
                skeletons.writeModelPage(Int32(index), of: catalog, into: &buffer)
                try buffer.withUnsafeReadableBytes { try write($0, to: "\(partial)/models/\(mid).html") }
                let compressed = try Gzip.compress(buffer)
                try compressed.withUnsafeBytes { try write($0, to: "\(partial)/models/\(mid).html.gz") }
                pages += 1
                bytes += buffer.readableBytes
                compressedBytes += compressed.count
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        let complete = path(Self.directoryName(catalog.generation))
        try? FileManager.default.removeItem(atPath: complete)
        guard rename(partial, complete) == 0 else { throw failure("cannot rename \(partial) to", complete) }
        let link = path(".current.new")
        unlink(link)
        guard symlink(Self.directoryName(catalog.generation), link) == 0 else { throw failure("cannot make the symlink", link) }
        guard rename(link, path(Self.currentLink)) == 0 else { throw failure("cannot replace", path(Self.currentLink)) }
        removeGenerations(except: [catalog.generation, previous].compactMap { $0 })
        return .written(generation: catalog.generation, pages: pages, bytes: bytes, compressedBytes: compressedBytes)
    }

    private func removeGenerations(except kept: [Int64]) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for entry in entries {
            guard let generation = Self.generation(ofDirectory: entry), !kept.contains(generation) else { continue }
            try? FileManager.default.removeItem(atPath: path(entry))
        }
    }

    static func generation(ofDirectory name: String) -> Int64? {
        guard name.hasPrefix("generation-") else { return nil }
        return Int64(name.dropFirst("generation-".count))
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `mkdir -p`, with the system's reason in the error ("Not a directory", "Permission denied").
    private func make(_ directory: String) throws {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                throw failure("cannot create the folder", path)
            }
        }
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "static pages: \(directory) is not a folder")
        }
    }

    /// A plain write: the whole generation folder is renamed into place once complete, so no file needs its own.
    private func write(_ bytes: UnsafeRawBufferPointer, to file: String) throws {
        let descriptor = open(file, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create", file) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", file)
            }
            offset += written
        }
    }

    private func failure(_ what: String, _ file: String) -> Failure {
        Failure(description: "static pages: \(what) \(file): \(String(cString: strerror(errno)))")
    }
}
