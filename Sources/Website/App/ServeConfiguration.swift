import AlgorithmIdentity
import SketchfabAPI

/// Everything `serve` is told, filled once by the command (its flags and environment variables) and read by the
/// site, the application and the jobs beside it.
public struct ServeConfiguration: Sendable {
    /// Where the server listens.
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// A Unix domain socket (mode 0660, for a web server in front).
        case unixSocket(path: String)
    }

    /// `serve --refresh-every`: how often, and against which API, thumbnail links are re-read beside the server.
    public struct ThumbnailRefresh: Sendable {
        public var interval: Duration
        public var concurrency: Int
        public var sketchfab: SketchfabClientConfiguration

        public init(interval: Duration, concurrency: Int, sketchfab: SketchfabClientConfiguration) {
            self.interval = interval
            self.concurrency = concurrency
            self.sketchfab = sketchfab
        }
    }

    public var databasePath: String
    public var address: Address
    /// Folder of local thumbnails served under `/thumbnails/` (the demo catalogue's).
    public var thumbnailsDirectory: String?
    /// How often the server checks whether `import` or `train` published a new catalogue.
    public var reloadCheckInterval: Duration
    /// Write every model page here for nginx to send as a file (see `StaticModelPages`).
    public var staticPagesDirectory: String?
    public var thumbnailRefresh: ThumbnailRefresh?
    /// The algorithms the about page describes, trained or not.
    public var aboutAlgorithms: [AlgorithmDescription]
    /// `serve --days`: the window of days "What visitors click" reports when a request names none (nil: all).
    public var onlineDays: Int?
    /// How often visitors' counts are written to the database (and once more on shutdown).
    public var countsWriteInterval: Duration = .seconds(1)
    /// `serve --live-models`: a model outside the catalogue is read from Sketchfab and its suggestions computed.
    public var liveModels: LiveModelOptions?

    public init(databasePath: String, address: Address = .tcp(host: "127.0.0.1", port: 8080), thumbnailsDirectory: String? = nil,
                reloadCheckInterval: Duration = .seconds(2), staticPagesDirectory: String? = nil,
                thumbnailRefresh: ThumbnailRefresh? = nil,
                aboutAlgorithms: [AlgorithmDescription] = Algorithm.trainable.map {
                    AlgorithmDescription(name: $0.rawValue, title: $0.title, description: $0.description)
                }) {
        self.databasePath = databasePath
        self.address = address
        self.thumbnailsDirectory = thumbnailsDirectory
        self.reloadCheckInterval = reloadCheckInterval
        self.staticPagesDirectory = staticPagesDirectory
        self.thumbnailRefresh = thumbnailRefresh
        self.aboutAlgorithms = aboutAlgorithms
    }

    /// `http://host:port/` or `unix:PATH`, for the start-up line.
    public var addressDescription: String {
        switch address {
        case .tcp(let host, let port): "http://\(host):\(port)/"
        case .unixSocket(let path): "unix:\(path)"
        }
    }
}
