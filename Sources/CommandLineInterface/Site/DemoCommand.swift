import ArgumentParser
import DemoPipeline
import Serving
import Website
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a demo catalogue, import it, train, and serve it — each stage only if not done yet.",
        discussion: "A second run reuses the catalogue, database and recommendations in --data-dir and starts at once.")

    @Option(help: "Folder for the demo catalogue and database.", transform: ArgumentCheck.nonEmpty) var dataDir = "demo-data"
    @Option(help: "Address to listen on.", transform: ArgumentCheck.nonEmpty) var host = "127.0.0.1"
    @Option(help: "Port to listen on, 1–65535.", transform: ArgumentCheck.integer(1...65_535)) var port = 8080
    @Option(help: "Models in the generated catalogue, 10–1,000,000.", transform: ArgumentCheck.integer(10...1_000_000)) var models = 3000
    @Option(help: "Users in the generated catalogue, 10–10,000,000.", transform: ArgumentCheck.integer(10...10_000_000)) var users = 8000
    @Flag(help: "Prepare everything, then exit instead of serving.") var noServe = false
    @OptionGroup(title: "Visual") var visual: VisualDescriptorOptions

    func run() async throws {
        let options = DemoOptions(dataDirectory: URL(fileURLWithPath: dataDir), models: models, users: users,
                                  visualPrincipalComponents: visual.visualPca)
        let prepared = try DemoPipeline(options: options).prepare(visualDescriptor: {
            try visual.resolve { print("      \($0)") }
        }, progress: { print($0) })
        if noServe { return }
        print("[5/5] serve: open http://\(host):\(port)/")
        try await Serve.run(ServeConfiguration(databasePath: prepared.databasePath, address: .tcp(host: host, port: port),
                                               thumbnailsDirectory: prepared.thumbnailsDirectory.path))
    }
}
