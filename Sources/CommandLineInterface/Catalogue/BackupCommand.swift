import ArgumentParser
import CatalogStore
import Foundation

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the catalogue database to a file, consistently, while servers and jobs use it.",
        discussion: """
            Uses SQLite's online backup: the copy is one consistent state even while `train` writes. It is written \
            beside --out and renamed into place. `recasketch restore --from FILE` puts it back.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "The copy to write.", transform: ArgumentCheck.nonEmpty) var out: String

    func run() throws {
        let store = try database.openExisting()
        try store.backup(to: out)
        print("backed up \(database.path) (generation \(try store.publishedGeneration())) to \(out)")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back in place of the catalogue; running servers switch to it within seconds.",
        discussion: """
            Roll back a retrain: the backup's models, likes and recommendations replace the database's in one step, \
            and are published under a new generation, so every `serve` reloads them as after a retrain.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "The backup file to restore, as `recasketch backup` wrote it.", transform: ArgumentCheck.nonEmpty) var from: String

    func run() throws {
        let store = try database.openExisting()
        try store.restore(from: from)
        print("restored \(from) into \(database.path), published as generation \(try store.publishedGeneration())")
    }
}
