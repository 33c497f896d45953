import ArgumentParser
import Testing
@testable import CommandLineInterface

/// `--help` reads as paragraphs at the width ArgumentParser wraps to: the texts are written without hard line
/// breaks inside a sentence, and worded so that no wrapped line is left holding a single word.
@Suite struct HelpTextTests {
    /// Every command, nested ones included, with its path of names.
    static func commands(_ command: any ParsableCommand.Type = RecASketchCommand.self, path: [String] = []) -> [(String, any ParsableCommand.Type)] {
        let name = command.configuration.commandName ?? "\(command)"
        let here = path + [name]
        return [(here.joined(separator: " "), command)]
            + command.configuration.subcommands.flatMap { commands($0, path: here) }
    }

    /// A line of help that is one word on its own: not a section heading, not a flag or subcommand name.
    static func loneWords(in help: String) -> [String] {
        help.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 1, let word = words.first, !word.hasPrefix("-"), !word.hasSuffix(":") else { return nil }
            return String(word)
        }
    }

    /// 80 columns: what ArgumentParser wraps to when it cannot read the terminal's width.
    @Test func noLineOfAnyHelpHoldsASingleWord() {
        let columns = 80
        for (name, command) in Self.commands() {
            let help = RecASketchCommand.helpMessage(for: command, columns: columns)
            #expect(!help.isEmpty, "\(name) has help")
            let lone = Self.loneWords(in: help)
            #expect(lone.isEmpty, "\(name) --help at \(columns) columns leaves single words on lines: \(lone)")
        }
    }
}
