import ArgumentParser
import ConvolutionalNetwork
import Foundation
import ImageCodecs

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Print the ImageNet top-5 classes of JPEG or PNG images, as a check that the CNN and its weights work.",
        discussion: "Images are resized to 224×224 and normalised with ImageNet's mean and standard deviation. Unreadable files are reported and skipped; the exit code is 1 if any file was unreadable.")

    @Argument(help: "JPEG or PNG files.") var images: [String]
    @Option(help: "Classes to print per image, 1–1000.", transform: ArgumentCheck.integer(1...1000)) var top = 5
    @Option(help: ArgumentHelp("Folder of installed weights.", discussion: "Default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights."),
            transform: ArgumentCheck.nonEmpty)
    var weights: String?

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let (network, labels) = try loadWeights(weights)
        let failures = ImageClassification(network: network, labels: labels, top: top)
            .classify(paths: images, print: { print($0) }, report: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if failures > 0 {
            throw CommandFailure("\(failures) of \(images.count) images could not be read (each is named above)")
        }
    }
}
