import ArgumentParser
import CatalogFiles
import CatalogImport
import CatalogStore
import DemoCatalog
import Foundation
import Training

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a demo catalogue, import it, train, and serve it — each stage only if not done yet.",
        discussion: "A second run reuses the catalogue, database and recommendations in --data-dir and starts at once.")

    @Option(help: "Folder for the demo catalogue and database.") var dataDir = "demo-data"
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Models in the generated catalogue.") var models = 3000
    @Option(help: "Users in the generated catalogue.") var users = 8000
    @Flag(help: "Prepare everything, then exit instead of serving.") var noServe = false
    @OptionGroup(title: "Visual") var visual: VisualDescriptorOptions

    func run() async throws {
        let clock = ContinuousClock()
        let folder = URL(fileURLWithPath: dataDir)
        let catalog = folder.appendingPathComponent("catalog")
        let databasePath = folder.appendingPathComponent("recasketch.sqlite").path

        var stageStart = clock.now
        if FileManager.default.fileExists(atPath: catalog.appendingPathComponent(CatalogFileFormat.modelsFileName).path) {
            print("[1/4] catalogue: already in \(catalog.path)")
        } else {
            let summary = try DemoCatalogGenerator(options: DemoCatalogOptions(models: models, users: users))
                .write(to: catalog)
            print("[1/4] catalogue: generated \(summary.models) models, \(summary.likes) likes, \(summary.thumbnails) thumbnails in \(format(clock.now - stageStart))")
        }

        stageStart = clock.now
        let store = try CatalogStore(path: databasePath)
        if try store.counts().models > 0 {
            print("[2/4] import: already in \(databasePath)")
        } else {
            let report = try CatalogImporter.run(.folder(catalog), into: store)
            print("[2/4] import: \(try store.counts()) in \(format(clock.now - stageStart))")
            _ = report
        }

        stageStart = clock.now
        let trained = Set(try await store.algorithms().map(\.algorithm))
        let missing = RecommenderCatalog.trainable.filter { !trained.contains($0) }
        if missing.isEmpty {
            print("[3/4] train: recommendations already stored")
        } else {
            let descriptor = missing.contains("visual") ? try visual.resolve { print("      \($0)") } : .classical
            _ = try Trainer.run(TrainingOptions(algorithms: missing,
                                                thumbnailsDirectory: catalog.appendingPathComponent("thumbnails"),
                                                visualDescriptor: descriptor, visualPrincipalComponents: visual.visualPca),
                                store: store) { print("      \($0)") }
            print("[3/4] train: \(missing.joined(separator: ", ")) in \(format(clock.now - stageStart))")
        }

        if noServe { return }
        print("[4/4] serve: open http://\(host):\(port)/")
        try await serve(databasePath: databasePath, host: host, port: port,
                        thumbnails: catalog.appendingPathComponent("thumbnails").path)
    }
}
