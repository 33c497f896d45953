import Foundation

/// The socket file a server listens on. One left behind by an instance that was killed would make the bind fail:
/// it is removed first, but only if it is a socket (never a regular file given by mistake).
enum UnixSocketFile {
    struct NotASocket: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) exists and is not a socket: refusing to replace it with the server's socket" }
    }

    static func removeStale(at path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw NotASocket(path: path) }
        unlink(path)
    }
}
