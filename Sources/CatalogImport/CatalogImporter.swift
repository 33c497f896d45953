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
    public var parseSeconds: Double
    public var writeSeconds: Double
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
        lines.append(String(format: "%d rows read in %.2f s, written in %.2f s", rowsRead, parseSeconds, writeSeconds))
        return lines
    }
}

/// Every file of a catalogue, read and checked, ready to be written in one transaction.
public struct ParsedCatalog: Sendable {
    public var batch: CatalogImportBatch
    public var parseSeconds: Double
    public var rowsRead: Int
}

public enum CatalogImporter {
    /// Reads and checks every file without touching any database. A malformed row or a missing file throws a
    /// `PSVError` (`FILE:LINE: …`).
    public static func parse(_ sources: CatalogImportSources) throws -> ParsedCatalog {
        let clock = ContinuousClock()
        let parseStart = clock.now
        let models = try CatalogFileFormat.readModels(PSVReader(contentsOf: sources.urls))
        let likes = try sources.likes.map { try CatalogFileFormat.readLikes(PSVReader(contentsOf: $0)) } ?? []
        let features = try sources.features.map { try CatalogFileFormat.readFeatures(PSVReader(contentsOf: $0)) } ?? []
        let curated = try sources.names.map { try CatalogFileFormat.readCurated(PSVReader(contentsOf: $0)) }
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
        return ParsedCatalog(
            batch: CatalogImportBatch(models: models, likes: likes, features: features, curated: curated, localThumbnails: thumbnails),
            parseSeconds: (clock.now - parseStart).inSeconds,
            rowsRead: models.count + likes.count + features.count + (curated?.count ?? 0))
    }

    /// Writes a parsed catalogue in one transaction: all of it, or (on any error) nothing.
    public static func write(_ parsed: ParsedCatalog, into store: CatalogStore) throws -> CatalogImportReport {
        let clock = ContinuousClock()
        let writeStart = clock.now
        let summary = try store.importCatalog(parsed.batch)
        return CatalogImportReport(summary: summary, parseSeconds: parsed.parseSeconds,
                                   writeSeconds: (clock.now - writeStart).inSeconds, rowsRead: parsed.rowsRead)
    }

    /// `parse`, then `write`: a malformed row throws before anything is written.
    public static func run(_ sources: CatalogImportSources, into store: CatalogStore) throws -> CatalogImportReport {
        try write(parse(sources), into: store)
    }
}
