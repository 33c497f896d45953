import Foundation
import Recommenders

/// Implicit ALS (the model WRMF fits) run by Spark MLlib: the likes go to a staging folder as integer indices, the
/// project's PySpark job (a resource of this target) runs through `spark-submit` with the master URL passed
/// through unchanged (`local[2]`, `spark://…`, `yarn`, `k8s://…`), and the factors come back for the Swift code
/// that ranks similar models, serves "For you" and scores evaluations.
public struct SparkALS: Sendable {
    public var sparkSubmit: String
    public var master: String
    public var factors: Int
    public var iterations: Int
    public var regularization: Float
    public var alpha: Float
    public var seed: UInt64

    public init(sparkSubmit: String, master: String = "local[2]", factors: Int = 64, iterations: Int = 15,
                regularization: Float = 0.1, alpha: Float = 50, seed: UInt64 = 42) {
        self.sparkSubmit = sparkSubmit
        self.master = master
        self.factors = factors
        self.iterations = iterations
        self.regularization = regularization
        self.alpha = alpha
        self.seed = seed
    }

    public var parameters: [String: String] {
        ["engine": "spark", "spark_master": master, "factors": String(factors), "iterations": String(iterations),
         "regularization": String(regularization), "alpha": String(alpha), "seed": String(seed)]
    }

    /// `spark-submit` from `explicit`, else `$SPARK_SUBMIT`, else `$SPARK_HOME/bin/spark-submit`, else the PATH.
    public static func locateSubmit(_ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let path = environment["SPARK_SUBMIT"] { candidates.append(path) }
        if let home = environment["SPARK_HOME"] { candidates.append(home + "/bin/spark-submit") }
        for folder in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(folder)/spark-submit") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Fits on `matrix` and returns user and item factors. Spark's own progress goes to `progress` line by line;
    /// a failure names the log it left in `staging`.
    public func fit(_ matrix: InteractionMatrix, staging: URL, progress: (String) -> Void = { _ in }) throws -> WRMFModel {
        guard let script = Bundle.module.url(forResource: "spark_als", withExtension: "py", subdirectory: "Resources") else {
            throw SparkError(description: "spark_als.py is missing from the SparkEngine resources")
        }
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let input = staging.appendingPathComponent("likes.csv"), output = staging.appendingPathComponent("factors")
        var text = "user,item\n"
        text.reserveCapacity(matrix.interactionCount * 12)
        for user in 0..<matrix.userCount { for item in matrix.items(ofUser: user) { text += "\(user),\(item)\n" } }
        try Data(text.utf8).write(to: input)
        progress("spark: \(matrix.interactionCount) likes staged in \(input.path); spark-submit --master \(master)")

        let log = staging.appendingPathComponent("spark.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sparkSubmit)
        process.arguments = ["--master", master, "--conf", "spark.ui.showConsoleProgress=false", script.path,
                             "--input", input.path, "--output", output.path, "--rank", String(factors),
                             "--iterations", String(iterations), "--regularization", String(regularization),
                             "--alpha", String(alpha), "--seed", String(seed % UInt64(Int32.max))]
        // spark-submit from `pip install pyspark` finds its Spark through the Python beside it: put its folder first
        // on the PATH and use that Python for the job.
        var environment = ProcessInfo.processInfo.environment
        let folder = URL(fileURLWithPath: sparkSubmit).deletingLastPathComponent().path
        environment["PATH"] = folder + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        if environment["PYSPARK_PYTHON"] == nil, FileManager.default.isExecutableFile(atPath: folder + "/python3") {
            environment["PYSPARK_PYTHON"] = folder + "/python3"
        }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let reader = pipe.fileHandleForReading
        do { try process.run() } catch {
            throw SparkError(description: "cannot run \(sparkSubmit): \(error.localizedDescription)")
        }
        // Spark's output is read here, on the caller's thread, until it closes: all of it to the log, the lines
        // that say how far it got to `progress`.
        var pending = LineBuffer()
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            try? logHandle.write(contentsOf: chunk)
            for line in pending.add(chunk) where line.contains("recasketch-als") || line.contains("ERROR")
                || (line.contains("INFO DAGScheduler: Job") && line.contains("finished")) {
                progress("spark: \(line)")
            }
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.appendingPathComponent("done").path) else {
            throw SparkError(description: "spark-submit exited with status \(process.terminationStatus); its log: \(log.path)")
        }
        let model = WRMFModel(users: matrix.userCount, items: matrix.itemCount, factors: factors)
        try Self.read(output.appendingPathComponent("items"), into: model.itemFactors, factors: factors)
        try Self.read(output.appendingPathComponent("users"), into: model.userFactors, factors: factors)
        return model
    }

    /// `index,f1,…,fk` lines from Spark's part files; indices Spark never saw (no likes) stay zero.
    static func read(_ folder: URL, into matrix: FactorMatrix, factors: Int) throws {
        let parts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("part-") }.sorted()
        for part in parts {
            let text = try String(contentsOf: folder.appendingPathComponent(part), encoding: .utf8)
            for (number, line) in text.split(separator: "\n").enumerated() {
                let fields = line.split(separator: ",")
                guard fields.count == factors + 1, let index = Int(fields[0]), index >= 0, index < matrix.rows else {
                    throw SparkError(description: "\(folder.path)/\(part): line \(number + 1) is not `index,\(factors) factors`")
                }
                let row = matrix.row(index)
                for column in 0..<factors {
                    guard let value = Float(fields[column + 1]), value.isFinite else {
                        throw SparkError(description: "\(folder.path)/\(part): line \(number + 1), factor \(column + 1) is not a number")
                    }
                    row[column] = value
                }
            }
        }
    }
}

public struct SparkError: Error, CustomStringConvertible {
    public var description: String
}

/// Splits a byte stream into lines across reads.
struct LineBuffer {
    private var partial = Data()

    mutating func add(_ chunk: Data) -> [String] {
        partial.append(chunk)
        var lines: [String] = []
        while let newline = partial.firstIndex(of: 0x0A) {
            lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
        return lines
    }
}
