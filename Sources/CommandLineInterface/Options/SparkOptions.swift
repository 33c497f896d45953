import ArgumentParser
import Foundation
import SparkEngine

/// `--engine`, `--spark-master` and `--spark-submit`, shared by `train` and `evaluate`.
struct SparkOptions: ParsableArguments {
    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case swift, spark
    }

    @Option(help: ArgumentHelp("Who fits the likes model (WRMF): swift (in process) or spark (Spark MLlib's implicit ALS through spark-submit).",
                               discussion: "evaluate runs Spark for --algorithms spark-als whatever this says."))
    var engine: Engine = .swift
    @Option(help: ArgumentHelp("Spark master URL, passed to spark-submit unchanged, such as local[2], spark://HOST:7077, yarn or k8s://https://HOST:443 for Kubernetes.",
                               discussion: "Default: $SPARK_MASTER, else local[2]."),
            transform: ArgumentCheck.nonEmpty)
    var sparkMaster: String?
    @Option(help: ArgumentHelp("The spark-submit to run.", discussion: "Default: $SPARK_SUBMIT, else $SPARK_HOME/bin/spark-submit, else spark-submit on the PATH (pip install pyspark puts one in its environment's bin)."),
            transform: ArgumentCheck.nonEmpty)
    var sparkSubmit: String?
    @Option(help: "Folder for Spark's input, output and log (default: a folder under the system's temporary directory).",
            transform: ArgumentCheck.nonEmpty)
    var sparkStaging: String?

    /// The job, when Spark is wanted (`required`) or available; a clear error when wanted and not found.
    func job(required: Bool) throws -> SparkALS? {
        guard let submit = SparkALS.locateSubmit(sparkSubmit) else {
            if required {
                throw CommandFailure("spark-submit not found (--spark-submit PATH, $SPARK_SUBMIT, $SPARK_HOME, or the PATH); "
                    + "`python3 -m pip install pyspark` provides one, and Spark needs Java 17")
            }
            return nil
        }
        return SparkALS(sparkSubmit: submit, master: sparkMaster ?? Environment.value("SPARK_MASTER") ?? "local[2]")
    }

    var staging: URL? { sparkStaging.map(URL.init(fileURLWithPath:)) }
}
