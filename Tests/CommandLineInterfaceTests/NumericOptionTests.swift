import ArgumentParser
@testable import CommandLineInterface
import Foundation
import Testing

/// Every option of every subcommand, read from ArgumentParser's own description of the command tree, so an option
/// added later is walked too.
struct DeclaredOption: CustomStringConvertible {
    var command: [String]
    var flag: String
    var description: String { (command + [flag]).joined(separator: " ") }

    static func all() throws -> [DeclaredOption] {
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(RecASketchCommand._dumpHelp().utf8)) as? [String: Any])
        var options: [DeclaredOption] = []
        func walk(_ node: [String: Any], path: [String]) {
            for argument in node["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                let names = argument["names"] as? [[String: Any]] ?? []
                if let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                   !["help", "version", "experimental-dump-help"].contains(long) {
                    options.append(DeclaredOption(command: path, flag: "--" + long))
                }
            }
            for child in node["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = child["commandName"] as? String, name != "help" else { continue }
                walk(child, path: path + [name])
            }
        }
        walk(try #require(tree["command"] as? [String: Any]), path: [])
        return options
    }
}

@Suite struct NumericOptionTests {
    /// Options that take text (paths, names, addresses, choices): every other option is numeric and is walked below.
    static let textOptions: Set<String> = [
        "--db", "--out", "--images", "--weights", "--samples", "--thumbnails", "--urls", "--likes", "--features", "--names",
        "--interactions", "--train", "--test", "--separator", "--write-split", "--write-features", "--json", "--curves",
        "--settings", "--features-out", "--topics", "--tag", "--category", "--model", "--api-base", "--site-base",
        "--anonymize-key", "--host", "--data-dir", "--algorithms", "--algorithm", "--scaling", "--schedule",
        "--visual-descriptor", "--write", "--unix-socket", "--from", "--contact", "--list-endpoint", "--likes-source", "--engine", "--spark-master", "--spark-submit", "--spark-staging", "--static-pages", "--per-user", "--initialisation",
        "--name", "--title", "--description", "--order", "--user-lists",
    ]
    /// Durations rather than plain numbers.
    static let durationOptions: Set<String> = ["--older-than", "--refresh-every", "--live-max-age", "--tune-budget"]

    /// Arguments a subcommand needs before it looks at anything else.
    static let required: [String: [String]] = [
        "crawl": ["--out", "out", "--contact", "ops@example.org"], "refresh-thumbnails": ["--contact", "ops@example.org"], "generate": ["--out", "out"], "import": ["--urls", "urls.psv"],
        "bench-visual": ["--images", "images"], "topic-agreement": ["--topics", "topics.psv"], "classify": ["photo.jpg"],
        "evaluate": ["--likes", "likes.psv"], "tune": ["--likes", "likes.psv"], "similar": ["--tag", "car"],
        "import-lists": ["--name", "outside", "--title", "Outside", "lists.psv"], "export-split": ["--out", "out"],
    ]

    static let badNumbers = ["inf", "-inf", "nan", "NaN", "1e300", "-1", "", " ", "abc", "99999999999999999999", "0x10"]
    static let badDurations = ["inf", "infh", "1e300h", "1e300", "nan", "nanm", "-5m", "", "h", "soon", "1e-320h5", "99999999999999999999d"]

    static var numericOptions: [DeclaredOption] {
        (try? DeclaredOption.all())?.filter { !textOptions.contains($0.flag) } ?? []
    }

    @Test func theWalkFindsTheNumericOptionsOfEverySubcommand() throws {
        let options = Self.numericOptions
        #expect(options.count >= 40, "found only \(options.count) numeric options")
        for expected in ["refresh-thumbnails --older-than", "serve --refresh-every", "serve --port", "crawl --rate",
                         "crawl --timeout", "train --factors", "evaluate --fraction", "demo --models", "bench-visual --count"] {
            #expect(options.contains { $0.description == expected }, "\(expected) is not walked")
        }
    }

    @Test(arguments: numericOptions)
    func everyBadValueIsAUsageErrorNamingTheFlag(_ option: DeclaredOption) throws {
        let values = Self.durationOptions.contains(option.flag) ? Self.badDurations : Self.badNumbers
        for value in values {
            let arguments = option.command + (Self.required[option.command.last ?? ""] ?? []) + ["\(option.flag)=\(value)"]
            do {
                _ = try RecASketchCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(RecASketchCommand.exitCode(for: error) == .validationFailure, "\(arguments): \(error)")
                let message = RecASketchCommand.message(for: error)
                #expect(message.contains(option.flag), "\(arguments): the message does not name the flag: \(message)")
            }
        }
    }

    /// implicit's λ and iALS revisited's count-scaled λ are two flags, never one flag with two meanings.
    @Test func wrmfsTwoPenaltiesAreTwoFlagsAndNotBoth() throws {
        for command in [["evaluate", "--likes", "likes.psv"], ["train"]] {
            do {
                _ = try RecASketchCommand.parseAsRoot(command + ["--regularization", "0.1", "--scaled-regularization", "0.003"])
                Issue.record("\(command) took both penalties")
            } catch {
                #expect(RecASketchCommand.exitCode(for: error) == .validationFailure)
                let message = RecASketchCommand.message(for: error)
                #expect(message.contains("--regularization") && message.contains("--scaled-regularization"), "\(message)")
            }
        }
        let evaluate = try #require(try RecASketchCommand.parseAsRoot(
            ["evaluate", "--likes", "likes.psv", "--regularization", "0.1", "--alpha", "10", "--factors", "64", "--tune-budget", "0"]) as? EvaluateCommand)
        #expect(evaluate.regularization == 0.1 && evaluate.tuning.tuneBudget == .off)
        let train = try #require(try RecASketchCommand.parseAsRoot(["train", "--tune-budget", "90s"]) as? TrainCommand)
        #expect(train.tuning.tuneBudget == .seconds(90))
        let defaults = try #require(try RecASketchCommand.parseAsRoot(["train"]) as? TrainCommand)
        #expect(defaults.tuning.tuneBudget == .automatic && defaults.likesAlgorithm == nil, "auto by default: chosen in run()")
    }

    @Test func tinyRatesAndTimeoutsAreRefused() {
        for arguments in [["crawl", "--out", "o", "--rate=1e-320"], ["crawl", "--out", "o", "--timeout=1e-320"],
                          ["serve", "--refresh-every=0s"], ["refresh-thumbnails", "--older-than=1e-320s5"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try RecASketchCommand.parseAsRoot(arguments) }
        }
    }

    @Test func goodValuesAreKept() throws {
        let command = try #require(try RecASketchCommand.parseAsRoot(
            ["refresh-thumbnails", "--older-than", "0s", "--rate", "0", "--timeout", "0.5", "--limit", "3", "--contact", "ops@example.org"]) as? RefreshThumbnailsCommand)
        #expect(command.olderThan == .zero)
        #expect(command.sketchfab.rate == 0 && command.sketchfab.timeout == 0.5 && command.limit == 3)
        let serve = try #require(try RecASketchCommand.parseAsRoot(["serve", "--refresh-every", "48h", "--port", "65535", "--contact", "ops@example.org"]) as? ServeCommand)
        #expect(serve.refreshEvery == .seconds(48 * 3600) && serve.port == 65535)
    }

    /// Talking to Sketchfab itself needs a contact for the User-Agent; a fake on loopback does not, nor does a
    /// server that never calls the API.
    @Test func theRealAPINeedsAContact() throws {
        for arguments in [["crawl", "--out", "o"], ["refresh-thumbnails"], ["serve", "--refresh-every", "48h"]] {
            do {
                _ = try RecASketchCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) was accepted without --contact")
            } catch {
                #expect(RecASketchCommand.exitCode(for: error) == .validationFailure)
                #expect(RecASketchCommand.message(for: error).contains("--contact"), "\(arguments)")
            }
        }
        _ = try RecASketchCommand.parseAsRoot(["crawl", "--out", "o", "--api-base", "http://127.0.0.1:8091", "--site-base", "http://127.0.0.1:8091"])
        _ = try RecASketchCommand.parseAsRoot(["serve"])
        let crawl = try #require(try RecASketchCommand.parseAsRoot(
            ["crawl", "--out", "o", "--contact", "ops@example.org", "--likes-source", "user", "--list-endpoint", "models"]) as? CrawlCommand)
        #expect(crawl.likesSource == .user && crawl.listEndpoint == .models && crawl.sketchfab.configuration.userAgent.hasSuffix("(+ops@example.org)"))
    }
}

/// Environment variables stand in for flags and are checked like them. They are process-wide, so these tests run
/// one at a time and put the variable back.
@Suite(.serialized) struct EnvironmentSettingTests {
    func withVariable(_ name: String, _ value: String, _ body: () throws -> Void) rethrows {
        setenv(name, value, 1)
        defer { unsetenv(name) }
        try body()
    }

    @Test(arguments: [("RECASKETCH_PORT", "abc"), ("RECASKETCH_PORT", "0"), ("RECASKETCH_PORT", "1e300"),
                      ("RECASKETCH_RELOAD_CHECK_SECONDS", "-1"), ("RECASKETCH_RELOAD_CHECK_SECONDS", "inf"), ("RECASKETCH_RELOAD_CHECK_SECONDS", "0"),
                      ("RECASKETCH_REFRESH_EVERY", "nan"), ("RECASKETCH_REFRESH_EVERY", "1e300h"), ("RECASKETCH_REFRESH_EVERY", "inf")])
    func aBadVariableIsAUsageErrorNamingIt(_ name: String, _ value: String) throws {
        try withVariable(name, value) {
            do {
                _ = try RecASketchCommand.parseAsRoot(["serve"])
                Issue.record("\(name)=\(value) was accepted")
            } catch {
                #expect(RecASketchCommand.exitCode(for: error) == .validationFailure)
                #expect(RecASketchCommand.message(for: error).contains(name))
            }
        }
    }

    @Test func aGoodVariableIsUsed() throws {
        try withVariable("RECASKETCH_REFRESH_EVERY", "90m") {
            let interval = try ServeCommand.refreshSetting.value()
            #expect(interval == .seconds(5400))
        }
    }
}
