import AlgorithmIdentity
import CatalogFiles
import CatalogImport
import CatalogStore
import DemoCatalog
import ElapsedTime
import Evaluation
import Foundation
import Training
import VisualFeatures

public struct DemoOptions: Sendable {
    public var dataDirectory: URL
    public var models: Int
    public var users: Int
    public var visualPrincipalComponents: Int?

    public init(dataDirectory: URL, models: Int = 3000, users: Int = 8000, visualPrincipalComponents: Int? = nil) {
        self.dataDirectory = dataDirectory
        self.models = models
        self.users = users
        self.visualPrincipalComponents = visualPrincipalComponents
    }
}

public struct PreparedDemo: Sendable {
    public var databasePath: String
    public var thumbnailsDirectory: URL
}

public struct DemoPipelineError: Error, CustomStringConvertible {
    public var description: String
}

/// `recasketch demo` before it serves: generate the catalogue, import it, train what is missing. Each stage runs
/// only if its result is not already in the data folder, so a second run starts at once.
public struct DemoPipeline: Sendable {
    public var options: DemoOptions

    public init(options: DemoOptions) { self.options = options }

    public var catalogDirectory: URL { options.dataDirectory.appendingPathComponent("catalog") }
    public var databasePath: String { options.dataDirectory.appendingPathComponent("recasketch.sqlite").path }

    /// `visualDescriptor` is asked only when the visual carousel still has to be trained (loading the CNN costs time).
    public func prepare(visualDescriptor: () throws -> VisualDescriptor, progress: (String) -> Void) throws -> PreparedDemo {
        let clock = ContinuousClock()
        let thumbnails = catalogDirectory.appendingPathComponent("thumbnails")
        var stageStart = clock.now
        if FileManager.default.fileExists(atPath: catalogDirectory.appendingPathComponent(CatalogFileFormat.modelsFileName).path) {
            progress("[1/5] catalogue: already in \(catalogDirectory.path)")
        } else {
            let summary = try DemoCatalogGenerator(options: DemoCatalogOptions(models: options.models, users: options.users))
                .write(to: catalogDirectory)
            progress("[1/5] catalogue: generated \(summary.models) models, \(summary.likes) likes, \(summary.thumbnails) thumbnails in \((clock.now - stageStart).formattedSeconds)")
        }

        stageStart = clock.now
        let store = try CatalogStore(path: databasePath)
        if try store.counts().models > 0 {
            progress("[2/5] import: already in \(databasePath)")
        } else {
            do { _ = try CatalogImporter.run(.folder(catalogDirectory), into: store) } catch let error as PSVError {
                throw DemoPipelineError(description: "the demo catalogue in \(catalogDirectory.path) is damaged (\(error.description)); delete \(options.dataDirectory.path) and run again")
            }
            progress("[2/5] import: \(try store.counts()) in \((clock.now - stageStart).formattedSeconds)")
        }

        stageStart = clock.now
        let trained = Set(try store.trainedAlgorithms())
        let missing = Algorithm.trainable.filter { !trained.contains($0.rawValue) }
        if missing.isEmpty {
            progress("[3/5] train: recommendations already stored")
        } else {
            let descriptor = missing.contains(.visual) ? try visualDescriptor() : .classical
            var training = TrainingOptions(algorithms: missing, wrmf: HarnessSettings().wrmf, thumbnailsDirectory: thumbnails,
                                           visualDescriptor: descriptor,
                                           visualPrincipalComponents: options.visualPrincipalComponents)
            // As `train` does by default: settings chosen on a validation split, the likes carousel by evidence.
            (training.tuneBudget, training.likesCarousel, training.tagsCarousel) = (.automatic, .chosenOnValidation, .chosenOnValidation)
            _ = try Trainer.run(training, store: store) { progress("      \($0)") }
            progress("[3/5] train: \(missing.map(\.rawValue).joined(separator: ", ")) in \((clock.now - stageStart).formattedSeconds)")
        }
        stageStart = clock.now
        if try store.evaluationCount() > 0 {
            progress("[4/5] evaluate: a run is already stored")
        } else {
            // The site's /evaluation page: the catalogue's likes split and scored, its tags for the hybrid model.
            // The visual carousel is scored from the lists it serves (it learns nothing from likes), the rest fitted on
            // the split: the page's carousels side by side on the same held-out likes.
            var settings = HarnessSettings()
            settings.visualLists = try store.storedNeighbours(algorithm: Algorithm.visual.rawValue)
            let visual: [Algorithm] = settings.visualLists?.isEmpty == false ? [.visual] : []
            var evaluation = EvaluationRun(source: .catalog(store),
                                           holdout: HoldoutSplit(seed: 42, allowFewerUsers: true),
                                           algorithms: visual + [.popularity, .itemKNN, .wrmf, .ease, .rp3beta, .warpTags, .easeTags, .rp3betaTags],
                                           settings: settings,
                                           similarItems: 0)
            evaluation.sideFeatureRows = try ItemFeatureSource.load(store)
            evaluation.record = store
            evaluation.tuneBudget = .automatic
            do {
                try evaluation.run { _ in }
                progress("[4/5] evaluate: visual, popularity, itemknn, wrmf, ease, rp3beta, warp-tags, ease-tags, rp3beta-tags scored on a held-out split in \((clock.now - stageStart).formattedSeconds)")
            } catch {
                // The recommendations are what the demo is about: a catalogue too small to split still serves.
                progress("[4/5] evaluate: skipped (\(error)); the /evaluation page stays empty")
            }
        }
        return PreparedDemo(databasePath: databasePath, thumbnailsDirectory: thumbnails)
    }
}
