#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

/// The SHA-256 of bundle executables, which names them for remote workers (content-addressed download:
/// `GET /api/v1/worker/bundles/{sha256}`). Computed once per file version (path, size and modification time) and
/// remembered both ways, so the API serves only executables this process has loaded.
public final class BundleDigests: @unchecked Sendable {
    public static let shared = BundleDigests()

    private struct Stamp: Hashable { let path: String; let size: UInt64; let modified: Double }
    private let lock = NSLock()
    private var byStamp: [Stamp: String] = [:]
    private var byDigest: [String: String] = [:]

    public init() {}

    /// The hex SHA-256 of the file at `path` (nil when it cannot be read).
    public func digest(of path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let stamp = Stamp(path: path, size: UInt64(st.st_size),
                          modified: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        if let known = lock.withLock({ byStamp[stamp] }) { return known }
        guard let hex = Self.sha256(file: path) else { return nil }
        lock.withLock {
            byStamp[stamp] = hex
            byDigest[hex] = path
        }
        return hex
    }

    /// The executable with this digest, if this process has hashed it and it still has that content.
    public func path(forDigest hex: String) -> String? {
        let hex = hex.lowercased()
        guard let path = lock.withLock({ byDigest[hex] }), digest(of: path) == hex else { return nil }
        return path
    }

    /// Hashes each file now (at start-up: the first lease does not wait for it).
    public func register(_ paths: some Sequence<String>) {
        for p in paths { _ = digest(of: p) }
    }

    /// The hex SHA-256 of a file's content, read in 1 MiB chunks.
    public static func sha256(file path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch { return nil }
            guard let chunk, !chunk.isEmpty else { break }   // nil or empty: the end of the file
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
