import CatalogFiles
import SeededRandom
import Dispatch
import Foundation
import ImageCodecs
import ParallelWork
import Synchronization

public struct DemoCatalogOptions: Sendable {
    public var models: Int
    public var users: Int
    public var seed: UInt64
    public var thumbnails: Bool
    /// Mean likes per user before repeats are dropped: ~78k likes for 3,000 models and 8,000 users, ~630k for 28,806 and 62,583 (Sketchfab scale).
    public var meanLikesPerUser: Double
    public var curatedCount: Int

    public init(models: Int = 3000, users: Int = 8000, seed: UInt64 = 42, thumbnails: Bool = true,
                meanLikesPerUser: Double = 10.45, curatedCount: Int = 100) {
        self.models = models
        self.users = users
        self.seed = seed
        self.thumbnails = thumbnails
        self.meanLikesPerUser = meanLikesPerUser
        self.curatedCount = curatedCount
    }
}

public struct DemoCatalogError: Error, CustomStringConvertible {
    public var description: String
}

public struct DemoCatalogSummary: Sendable {
    public var models: Int
    public var users: Int
    public var likes: Int
    public var features: Int
    public var thumbnails: Int
}

/// A synthetic catalogue in exactly the published file format. The same options give the same bytes.
public struct DemoCatalogGenerator: Sendable {
    public var options: DemoCatalogOptions

    public init(options: DemoCatalogOptions) { self.options = options }

    struct SyntheticModel {
        var record: ModelRecord
        var topic: Int
        /// Index of the topic adjective that names the model's style ("Vintage", "Rally", …). Users prefer
        /// styles within their topics, and the style shows up as a tag: tags carry taste, as on Sketchfab.
        var style: Int
        var popularity: Double
    }

    public func write(to directory: URL, progress: (String) -> Void = { _ in }) throws -> DemoCatalogSummary {
        guard options.models >= 10 else { throw DemoCatalogError(description: "--models must be at least 10") }
        guard options.users >= 1 else { throw DemoCatalogError(description: "--users must be at least 1") }
        var random = SeededGenerator(seed: options.seed)
        let models = makeModels(&random)
        let likes = makeLikes(models, &random)
        let features = makeFeatures(models, &random)
        let curated = makeCurated(models)

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var thumbnails = 0
        if options.thumbnails {
            thumbnails = try writeThumbnails(models, to: directory.appendingPathComponent("thumbnails"), progress: progress)
        }
        try CatalogFileFormat.write(features: features, to: directory.appendingPathComponent(CatalogFileFormat.featuresFileName))
        try CatalogFileFormat.write(likes: likes, to: directory.appendingPathComponent(CatalogFileFormat.likesFileName))
        try CatalogFileFormat.write(curated: curated, to: directory.appendingPathComponent(CatalogFileFormat.curatedFileName))
        var truth = PSVWriter()
        truth.append(row: ["mid", "topic"])
        for model in models { truth.append(row: [model.record.mid.rawValue, Topics.all[model.topic].name]) }
        try truth.write(to: directory.appendingPathComponent(CatalogFileFormat.topicsFileName))
        // The models file goes last: its presence marks a complete catalogue.
        try CatalogFileFormat.write(models: models.map(\.record), to: directory.appendingPathComponent(CatalogFileFormat.modelsFileName))
        let userCount = Set(likes.map(\.user)).count
        return DemoCatalogSummary(models: models.count, users: userCount, likes: likes.count,
                                  features: features.count, thumbnails: thumbnails)
    }

    func makeModels(_ random: inout SeededGenerator) -> [SyntheticModel] {
        let topics = Topics.all
        let topicWeights = topics.map(\.weight)
        var usedIDs = Set<String>()
        var models: [SyntheticModel] = []
        models.reserveCapacity(options.models)
        // Popularity by rank follows a power law, with ranks shuffled across topics.
        var ranks = Array(0..<options.models)
        for index in stride(from: ranks.count - 1, to: 0, by: -1) { ranks.swapAt(index, random.below(index + 1)) }
        for index in 0..<options.models {
            let topicIndex = weightedIndex(topicWeights, &random)
            let topic = topics[topicIndex]
            let style = random.below(topic.adjectives.count)
            var name = "\(topic.adjectives[style]) \(random.pick(topic.nouns))"
            switch random.below(20) {
            case 0: name += " | Fan Art"
            case 1: name += " (low poly)"
            case 2: name += " #\(1 + random.below(30))"
            case 3: name += " - WIP"
            case 4: name = "\"\(name)\""
            default: break
            }
            var mid = random.hexID()
            while !usedIDs.insert(mid).inserted { mid = random.hexID() }
            let popularity = 1.0 / pow(Double(ranks[index]) + 5.0, 0.85)
            models.append(SyntheticModel(record: ModelRecord(name: name, mid: ModelID(mid)!), topic: topicIndex,
                                         style: style, popularity: popularity))
        }
        return models
    }

    func makeLikes(_ models: [SyntheticModel], _ random: inout SeededGenerator) -> [LikeRecord] {
        let topics = Topics.all
        // Per topic: its models and their cumulative popularity, for sampling proportional to popularity.
        var members = [[Int]](repeating: [], count: topics.count)
        for (index, model) in models.enumerated() { members[model.topic].append(index) }
        let cumulative = members.map { indices -> [Double] in
            var total = 0.0
            return indices.map { total += models[$0].popularity; return total }
        }
        let topicShare = (0..<topics.count).map { topics[$0].weight * (cumulative[$0].last ?? 0) }
        // The same per (topic, style).
        var styleMembers = topics.map { [[Int]](repeating: [], count: $0.adjectives.count) }
        for (index, model) in models.enumerated() { styleMembers[model.topic][model.style].append(index) }
        let styleCumulative = styleMembers.map { styles in
            styles.map { indices -> [Double] in
                var total = 0.0
                return indices.map { total += models[$0].popularity; return total }
            }
        }
        func sample(_ members: [Int], _ cumulative: [Double], _ random: inout SeededGenerator) -> Int? {
            guard let total = cumulative.last else { return nil }
            let target = random.unit() * total
            return members[min(cumulative.partitioningIndex { $0 > target }, members.count - 1)]
        }
        var likes: [LikeRecord] = []
        likes.reserveCapacity(Int(Double(options.users) * options.meanLikesPerUser * 1.05))
        for _ in 0..<options.users {
            let user = random.hexID()
            let favourites = (0..<(1 + random.below(3))).map { _ in weightedIndex(topicShare, &random) }
            let favouriteStyles = favourites.map { random.below(topics[$0].adjectives.count) }
            // Pareto-distributed activity with the requested mean (shape 2.2, so mean = 2.2/1.2 x minimum).
            let minimum = options.meanLikesPerUser * 1.2 / 2.2
            let count = min(models.count / 2, max(1, Int(minimum / pow(1 - random.unit(), 1 / 2.2))))
            var chosen = Set<Int>()
            var attempts = 0
            while chosen.count < count && attempts < count * 10 {
                attempts += 1
                let picked: Int?
                if random.chance(0.85) {
                    let favourite = random.below(favourites.count)
                    let topic = favourites[favourite], style = favouriteStyles[favourite]
                    picked = random.chance(0.6)
                        ? sample(styleMembers[topic][style], styleCumulative[topic][style], &random)
                        : sample(members[topic], cumulative[topic], &random)
                } else {
                    let topic = weightedIndex(topicShare, &random)
                    picked = sample(members[topic], cumulative[topic], &random)
                }
                if let picked { chosen.insert(picked) }
            }
            for index in chosen.sorted() {
                let model = models[index].record
                likes.append(LikeRecord(modelName: model.name, mid: model.mid, user: user))
            }
        }
        return likes
    }

    func makeFeatures(_ models: [SyntheticModel], _ random: inout SeededGenerator) -> [FeatureRecord] {
        var features: [FeatureRecord] = []
        for model in models {
            let topic = Topics.all[model.topic]
            var categories = [topic.categories[0]]
            if topic.categories.count > 1, random.chance(0.4) { categories.append(topic.categories[1]) }
            for category in categories {
                features.append(FeatureRecord(mid: model.record.mid, kind: .category, value: category))
            }
            var tags = Set<String>()
            if random.chance(0.9) {
                tags.insert(topic.adjectives[model.style].lowercased().replacingOccurrences(of: " ", with: "-"))
            }
            let tagCount = tags.count + 1 + random.below(6)
            while tags.count < tagCount {
                tags.insert(random.chance(0.75) ? random.pick(topic.tags) : random.pick(Topics.generalTags))
            }
            for tag in tags.sorted() { features.append(FeatureRecord(mid: model.record.mid, kind: .tag, value: tag)) }
        }
        return features
    }

    /// The picker's list: the most popular models, spread over every topic.
    func makeCurated(_ models: [SyntheticModel]) -> [ModelRecord] {
        let byPopularity = models.indices.sorted { models[$0].popularity > models[$1].popularity }
        let perTopic = max(1, options.curatedCount / Topics.all.count + 1)
        var taken = [Int](repeating: 0, count: Topics.all.count)
        var curated: [ModelRecord] = []
        var chosen = Set<Int>()
        for index in byPopularity where curated.count < options.curatedCount {
            let topic = models[index].topic
            guard taken[topic] < perTopic else { continue }
            taken[topic] += 1
            chosen.insert(index)
            curated.append(models[index].record)
        }
        // Topics too small for their share leave room for the next most popular models.
        for index in byPopularity where curated.count < options.curatedCount && !chosen.contains(index) {
            curated.append(models[index].record)
        }
        return curated.sorted { $0.name < $1.name }
    }

    func writeThumbnails(_ models: [SyntheticModel], to folder: URL, progress: (String) -> Void) throws -> Int {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let painter = ThumbnailPainter()
        let seed = options.seed
        let chunkCount = max(1, min(models.count, 64))
        let failures = FailureBox()
        let total = models.count
        let allModels = models
        Parallel.forEachShare(of: total, workers: chunkCount) { share, _ in
            for index in share {
                let model = allModels[index]
                var random = SeededGenerator(seed: seed, stream: UInt64(index) + 1)
                let image = painter.paint(topic: Topics.all[model.topic], random: &random)
                let url = folder.appendingPathComponent("\(model.record.mid.rawValue).jpg")
                do { try AtomicFile.write(Data(try JPEGCodec.encode(image, quality: 85)), to: url) } catch {
                    failures.record("\(url.path): \(error)")
                }
            }
        }
        if let failure = failures.first { throw DemoCatalogError(description: "cannot write a thumbnail: \(failure)") }
        progress("wrote \(total) thumbnails")
        return total
    }

    func weightedIndex(_ weights: [Double], _ random: inout SeededGenerator) -> Int {
        let total = weights.reduce(0, +)
        var target = random.unit() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }
}

/// Collects the first error from parallel workers.
final class FailureBox: Sendable {
    private let messages = Mutex<[String]>([])
    func record(_ message: String) { messages.withLock { $0.append(message) } }
    var first: String? { messages.withLock { $0.first } }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
