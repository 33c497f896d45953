import CatalogFiles
import CatalogStore
import Foundation
import Logging
import TestSupport
import Testing
@testable import Serving
import Website

/// `serve --unix-socket`: the application nginx talks to, on a real socket file.
@Suite(.timeLimit(.minutes(1))) struct UnixSocketTests {
    /// An HTTP/1.1 GET over the socket at `path`; the raw answer.
    func get(_ target: String, socket path: String) throws -> String {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        var answer: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            answer += chunk[..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test func servesOnASocketOnlyItsGroupMayOpenAndReplacesAStaleOne() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let path = folder.file("app.sock").path
        // What a killed instance leaves behind: a socket file nobody listens on.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (index, byte) in path.utf8.enumerated() { raw[index] = byte } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)

        let pages = folder.url.appendingPathComponent("pages")
        let app = try await Serve.buildApplication(ServeConfiguration(databasePath: store.path, address: .unixSocket(path: path), staticPagesDirectory: pages.path), storage: store,
                                             logger: Logger(label: "test"))
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        try await waitUntil("the server answers on its socket") { (try? get("/healthz", socket: path))?.hasPrefix("HTTP/1.1 200") == true }
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o660, "owner and group only")
        let page = try get("/models/\(TinyCatalog.ids[0].rawValue)", socket: path)
        #expect(page.hasPrefix("HTTP/1.1 200") && page.contains("Red Car"))
        // Beside the server, the snapshot's model pages are written for nginx, and the server keeps answering.
        let file = pages.appendingPathComponent("current/models/\(TinyCatalog.ids[0].rawValue).html")
        try await waitUntil("the static pages are written") { FileManager.default.fileExists(atPath: file.path) }
        #expect(try String(contentsOf: file, encoding: .utf8).contains("Red Car"))
        #expect(try get("/healthz", socket: path).hasPrefix("HTTP/1.1 200"))
    }

    @Test func aFileInTheSocketsPlaceIsNeverReplaced() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models))
        let path = try folder.write("precious.txt", "keep me").path
        await #expect(throws: UnixSocketFile.NotASocket.self) {
            _ = try await Serve.buildApplication(ServeConfiguration(databasePath: store.path, address: .unixSocket(path: path)), storage: store, logger: Logger(label: "test"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }
}
