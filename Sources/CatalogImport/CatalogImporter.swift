import CatalogFiles
import CatalogStore
import ElapsedTime
import Foundation

/// Where the published files are. Only `urls` is required; likes, features and the curated list are optional.
public struct CatalogImportSources: Sendable {
    public var urls: URL
    public var likes: URL?
    public var features: URL?
    public var names: URL?
    /// A folder of `{mid}.jpg` / `{mid}.png` thumbnails that the web app serves (the demo catalogue's).
    public var thumbnails: URL?

    public init(urls: URL, likes: URL? = nil, features: URL? = nil, names: URL? = nil, thumbnails: URL? = nil) {
        self.urls = urls
        self.likes = likes
        self.features = features
        self.names = names
        self.thumbnails = thumbnails
    }

    /// The files of a catalogue folder, by their published names.
    public static func folder(_ directory: URL) -> CatalogImportSources {
        func optional(_ name: String) -> URL? {
            let url = directory.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        let thumbnails = directory.appendingPathComponent("thumbnails")
        var isDirectory: ObjCBool = false
        let hasThumbnails = FileManager.default.fileExists(atPath: thumbnails.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
        return CatalogImportSources(
            urls: directory.appendingPathComponent(CatalogFileFormat.modelsFileName),
            likes: optional(CatalogFileFormat.likesFileName),
            features: optional(CatalogFileFormat.featuresFileName),
            names: optional(CatalogFileFormat.curatedFileName),
            thumbnails: hasThumbnails ? thumbnails : nil)
    }
}

public struct CatalogImportReport: Sendable {
    public var summary: ImportSummary
    /// Reading, checking and writing, which overlap.
    public var seconds: Double
    public var rowsRead: Int

    /// Human-readable lines for the command line.
    public var lines: [String] {
        let s = summary
        var lines = [
            "models: \(s.modelsAdded) added, \(s.modelsUpdated) renamed, \(s.duplicateModelRows) repeated rows folded",
            "likes: \(s.likesAdded) added by \(s.usersAdded) new users, \(s.duplicateLikes) repeats folded, \(s.likesOfUnknownModels) of unknown models skipped",
            "features: \(s.featuresAdded) added, \(s.duplicateFeatures) repeats folded, \(s.featuresOfUnknownModels) of unknown models skipped",
        ]
        if s.curatedModels + s.curatedUnknownModels > 0 {
            lines.append("curated list: \(s.curatedModels) models, \(s.curatedUnknownModels) unknown skipped")
        }
        if s.localThumbnails > 0 { lines.append("local thumbnails: \(s.localThumbnails)") }
        lines.append(String(format: "%d rows read, checked and written in one transaction in %.2f s (%.0f rows/s)", rowsRead,
                            seconds, Double(rowsRead) / max(seconds, 1e-9)))
        return lines
    }
}

public enum CatalogImporter {
    /// Reads every file once, a chunk at a time, handing each checked row to the database as it is read, all in one
    /// transaction: a malformed row or a missing file throws a `PSVError` (`FILE:LINE: …`) and rolls everything back,
    /// so the database is exactly as it was. Memory holds the models' and users' ids and eight bytes per like, not
    /// the files. `progress` gets a line every few seconds through each file.
    public static func run(_ sources: CatalogImportSources, into store: CatalogStore,
                           progress: @escaping (String) -> Void = { _ in }) throws -> CatalogImportReport {
        let clock = ContinuousClock()
        let start = clock.now
        var thumbnails: [ModelID: String] = [:]
        if let folder = sources.thumbnails {
            let files: [String]
            do { files = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
                throw PSVError(file: folder.path, line: 0, message: "cannot list the thumbnails folder (\(error.localizedDescription))")
            }
            for file in files {
                let url = URL(fileURLWithPath: file)
                guard ["jpg", "jpeg", "png"].contains(url.pathExtension.lowercased()),
                      let mid = ModelID(url.deletingPathExtension().lastPathComponent) else { continue }
                thumbnails[mid] = file
            }
        }
        // Every file is opened before the transaction starts, so a missing one changes nothing.
        let models = try PSVReader(contentsOf: sources.urls)
        let likes = try sources.likes.map { try PSVReader(contentsOf: $0) }
        let features = try sources.features.map { try PSVReader(contentsOf: $0) }
        let curated = try sources.names.map { try CatalogFileFormat.readCurated(PSVReader(contentsOf: $0)) }
        var rowsRead = curated?.count ?? 0
        let summary = try store.importStreaming(progress: progress) { writer in
            rowsRead += try stream("models", models, CatalogFileFormat.forEachModel, into: writer.add, progress: progress)
            for (mid, file) in thumbnails.sorted(by: { $0.key < $1.key }) { try writer.setLocalThumbnail(mid, file: file) }
            if let likes {
                let read = try stream("likes", likes, CatalogFileFormat.forEachLike, into: writer.add, progress: progress)
                rowsRead += read
                progress("likes: \(read) rows read and checked in \((clock.now - start).formattedSeconds); they are written in key order once the features are in")
            }
            if let features {
                rowsRead += try stream("features", features, CatalogFileFormat.forEachFeature, into: writer.add, progress: progress)
            }
            if let curated { try writer.replaceCurated(curated) }
        }
        return CatalogImportReport(summary: summary, seconds: (clock.now - start).inSeconds, rowsRead: rowsRead)
    }

    /// Hands every checked row of one file to `add`, with a progress line every few seconds through its bytes;
    /// returns the rows read.
    static func stream<Row>(_ label: String, _ reader: PSVReader,
                            _ forEach: @escaping (PSVReader, (Row, PSVRecord) throws -> Void) throws -> Void,
                            into add: (Row) throws -> Void, progress: @escaping (String) -> Void) throws -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: reader.fileName)[.size] as? Int) ?? nil
        var meter = ProgressMeter("import \(label) (\(URL(fileURLWithPath: reader.fileName).lastPathComponent))", unit: "bytes",
                                  total: size, showsCount: false, report: progress)
        var read = 0
        try forEach(reader) { row, record in
            try add(row)
            read += 1
            meter.update(record.endOffset, detail: "\(read) rows")
        }
        return read
    }
}
