import ArgumentParser
import ConvolutionalNetwork
import Foundation
import ImageCodecs
import NetworkWeights

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Print the ImageNet top-5 classes of JPEG or PNG images, as a check that the CNN and its weights work.",
        discussion: "Images are resized to 224×224 and normalised with ImageNet's mean and standard deviation. Unreadable files are reported and skipped; the exit code is non-zero if any was.")

    @Argument(help: "JPEG or PNG files.") var images: [String]
    @Option(help: "Classes to print per image.") var top = 5
    @Option(help: "Folder of installed weights (default: $RECASKETCH_WEIGHTS, else ~/.local/share/recasketch/weights).")
    var weights: String?

    func run() throws {
        let network: EfficientNetLite0, labels: ImageNetLabels
        do { (network, labels) = try InstalledWeights.resolve(weights).load() } catch { throw ValidationError("\(error)") }
        let workspace = network.makeWorkspace()
        var failed = 0
        for path in images {
            let image: RGBImage
            do {
                image = try ImageFile.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch {
                FileHandle.standardError.write(Data("\(path): skipped: \(error)\n".utf8))
                failed += 1
                continue
            }
            let probabilities = network.classProbabilities(features: network.features(of: image, workspace: workspace))
            print("\(path) (\(image.width)×\(image.height))")
            for entry in labels.top(top, of: probabilities) {
                print(String(format: "  %5.1f%%  %@ [%d]", entry.probability * 100, labels.names[entry.index], entry.index))
            }
        }
        if failed > 0 {
            throw ValidationError("\(failed) of \(images.count) images could not be read")
        }
    }
}
