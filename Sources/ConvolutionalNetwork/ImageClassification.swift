import Foundation
import ImageCodecs

/// `recasketch classify`: each image's top ImageNet classes, one block of lines per image.
public struct ImageClassification: Sendable {
    public var network: EfficientNetLite0
    public var labels: ImageNetLabels
    public var top: Int

    public init(network: EfficientNetLite0, labels: ImageNetLabels, top: Int = 5) {
        self.network = network
        self.labels = labels
        self.top = top
    }

    /// Prints the classes of each readable image and reports each unreadable one; returns how many were unreadable.
    public func classify(paths: [String], print: (String) -> Void, report: (String) -> Void) -> Int {
        let workspace = network.makeWorkspace()
        var failed = 0
        for path in paths {
            let image: RGBImage
            do {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                    throw ImageCodecError("cannot read the file (\(error.localizedDescription))")
                }
                image = try ImageFile.decode([UInt8](data))
            } catch {
                report("\(path): skipped: \(error)")
                failed += 1
                continue
            }
            let probabilities = network.classProbabilities(features: network.features(of: image, workspace: workspace))
            print("\(path) (\(image.width)×\(image.height))")
            for entry in labels.top(top, of: probabilities) {
                print(String(format: "  %5.1f%%  %@ [%d]", entry.probability * 100, labels.names[entry.index], entry.index))
            }
        }
        return failed
    }
}
