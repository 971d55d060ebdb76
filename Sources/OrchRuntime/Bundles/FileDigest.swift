#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

/// The sha256 of a file, read in 1 MiB blocks (a bundle executable is tens of MB).
public enum FileDigest {
    public static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BundleManifestError(message: "cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }

    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// Lowercase hex digits, two a byte (a table lookup: `String(format:)` per byte showed in the scheduler's
    /// profile, through the XCom grant each attempt gets).
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `s` is a SHA-256 in hex (64 ASCII hex digits, either case): what may name a file or folder by its
    /// digest (never a path).
    public static func isSHA256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102)
        }
    }
}

/// What `stat` says of a file: when any of it changes, the file may hold other bytes (a rebuilt executable is a
/// new inode, or the same one with another size or modification time).
public struct FileFingerprint: Sendable, Hashable, Codable {
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modified: Int64
    public var inode: UInt64

    public static func of(_ path: String) -> FileFingerprint? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileFingerprint(size: Int64(st.st_size),
                               modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                               inode: UInt64(st.st_ino))
    }
}
