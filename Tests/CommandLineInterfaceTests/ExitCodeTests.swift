import ArgumentParser
import CatalogStore
@testable import CommandLineInterface
import Foundation
import TestSupport
import Testing

/// Runtime failures exit 1 with one line; only bad arguments exit 64 with the usage.
@Suite struct ExitCodeTests {
    /// Runs a parsed command in-process, as `recasketch` would, and returns what it threw.
    func failure(of arguments: [String]) async throws -> any Error {
        var command = try RecASketchCommand.parseAsRoot(arguments)
        do {
            if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
        } catch {
            return error
        }
        Issue.record("\(arguments) succeeded")
        return CleanExit.message("unexpected success")
    }

    func expectRuntimeFailure(_ error: any Error, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(RecASketchCommand.exitCode(for: error) == .failure, sourceLocation: sourceLocation)
        let message = RecASketchCommand.message(for: error)
        #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
        #expect(!message.contains("\n"), "one line: \(message)", sourceLocation: sourceLocation)
        #expect(!message.lowercased().contains("usage"), sourceLocation: sourceLocation)
    }

    @Test func commandsThatReadADatabaseNeverCreateOne() async throws {
        let folder = try TemporaryDirectory()
        let typo = folder.url.appendingPathComponent("typo/x.sqlite").path
        for arguments in [["train", "--db", typo], ["similar", "--tag", "car", "--db", typo],
                          ["refresh-thumbnails", "--db", typo, "--api-base", "http://127.0.0.1:9"],
                          ["topic-agreement", "--topics", "t.psv", "--db", typo]] {
            expectRuntimeFailure(try await failure(of: arguments), mentioning: "no database at \(typo)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("typo").path))
    }

    @Test func trainingAnEmptyCatalogueSaysSoAndExits1() async throws {
        let folder = try TemporaryDirectory()
        _ = try folder.store()
        expectRuntimeFailure(try await failure(of: ["train", "--db", folder.file("catalog.sqlite").path]), mentioning: "no models")
    }

    @Test func classifyingAMissingFileExits1() async throws {
        let folder = try TemporaryDirectory()
        let missing = folder.file("missing.jpg").path
        // With weights installed the file is reported missing; without, the weights are: both are runtime failures.
        let error = try await failure(of: ["classify", missing, "--weights", ProcessInfo.processInfo.environment["RECASKETCH_WEIGHTS"] ?? folder.file("no-weights").path])
        #expect(RecASketchCommand.exitCode(for: error) == .failure)
        #expect(!RecASketchCommand.message(for: error).contains("\n"))
    }

    @Test func aMalformedImportNamesTheFileAndLineAndCreatesNothing() async throws {
        let folder = try TemporaryDirectory()
        let urls = folder.file("model_urls.psv")
        try Data("name|mid\r\nA car|not-an-id\r\n".utf8).write(to: urls)
        let database = folder.file("new.sqlite").path
        expectRuntimeFailure(try await failure(of: ["import", "--urls", urls.path, "--db", database]), mentioning: "\(urls.path):2")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func aListsFileWithABadRowExits1NamingItAndWritesNothing() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models))
        let ids = TinyCatalog.ids.map(\.rawValue)
        let lists = try folder.write("lists.psv", "\(ids[0])|\(ids[1])|1\n\(ids[0])|\(ids[0])|2\n")
        let error = try await failure(of: ["import-lists", "--db", store.path, "--name", "outside", "--title", "Outside", lists.path])
        expectRuntimeFailure(error, mentioning: "\(lists.path):2: model \(ids[0]) lists itself")
        #expect(try store.publishedCatalog().algorithms.isEmpty)
        expectRuntimeFailure(try await failure(of: ["remove-lists", "--db", store.path, "--name", "outside"]), mentioning: "holds no lists named outside")
    }

    @Test func badArgumentsAreUsageErrors() {
        for arguments in [["train", "--algorithms", "wrmf,nonsense"], ["similar"], ["evaluate"], ["no-such-command"],
                          ["tune", "--likes", "x", "--algorithm", "spark-als"], ["similar", "--model", "not a link"],
                          ["import-lists", "--name", "wrmf", "--title", "t", "f.psv"], ["import-lists", "--name", "My Model", "--title", "t", "f.psv"],
                          ["import-lists", "--name", "ok", "--title", "", "f.psv"], ["import-lists", "--name", "ok", "--title", "t"],
                          ["evaluate", "--db", "x.sqlite", "--user-lists", "wrmf=top.psv"], ["evaluate", "--db", "x.sqlite", "--user-lists", "top.psv"],
                          ["export-split", "--db", "x.sqlite"]] {
            do {
                _ = try RecASketchCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(RecASketchCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
            }
        }
    }
}
