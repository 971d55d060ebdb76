#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore

/// A remote worker's bundle executables, by SHA-256, under `<home>/worker-bundles/<sha256>`: downloaded once from the
/// server, verified against the hash that names them before they are kept, and reused by every later attempt.
public final class BundleCache: @unchecked Sendable {
    let folder: URL
    private let lock = NSLock()
    private var verified: Set<String> = []

    public init(home: OrchHome) {
        folder = home.root.appendingPathComponent("worker-bundles", isDirectory: true)
    }

    /// The path of the executable with this hash, downloading it first when it is not cached (or its copy no
    /// longer has that hash).
    public func executable(sha256: String, download: () throws -> [UInt8]) throws -> String {
        guard FileDigest.isSHA256(sha256) else {
            throw WorkerAPIError("'\(sha256)' is not a SHA-256 in hex")
        }
        let hex = sha256.lowercased()
        let path = folder.appendingPathComponent(hex).path
        return try lock.withLock {
            if verified.contains(hex) && FileManager.default.isExecutableFile(atPath: path) { return path }
            if FileManager.default.fileExists(atPath: path), BundleDigests.sha256(file: path) == hex {
                verified.insert(hex)
                return path
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let bytes = try download()
            let temporary = path + ".part-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o700]) else {
                throw WorkerAPIError("cannot write \(temporary)")
            }
            guard BundleDigests.sha256(file: temporary) == hex else {
                unlink(temporary)
                throw WorkerAPIError("the bundle downloaded for \(hex) has another SHA-256: refused")
            }
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                throw WorkerAPIError("cannot move the bundle into \(path): \(String(cString: strerror(errno)))")
            }
            verified.insert(hex)
            return path
        }
    }
}
