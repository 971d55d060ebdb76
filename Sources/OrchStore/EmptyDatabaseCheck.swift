#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A zero-byte file where the state database should be is refused: SQLite would take it for a new, empty
/// database and migrate it, and every run's history would be gone without a word (a truncated or half-copied
/// `orch.db`). A missing file is a first start and is created; an empty one is used only when asked for
/// (`orch db migrate --init`).
public struct EmptyDatabaseFile: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "\(path) is an empty file (0 bytes) where orch's state database should be; it holds no runs, no history. "
            + "Restore the database from a backup, or, to start with a new empty database, run `orch db migrate --init`."
    }
}

enum EmptyDatabaseCheck {
    /// Throws when `path` is an existing zero-byte file. Another process may have created it a moment ago and be
    /// writing its first page, so a zero-byte file is looked at again for up to `patience` seconds.
    static func verify(_ path: String, patience: Double = 1) throws {
        let deadline = Date().addingTimeInterval(patience)
        while true {
            guard regularFileSize(path) == 0 else { return }
            if Date() >= deadline { throw EmptyDatabaseFile(path: path) }
            usleep(50_000)
        }
    }

    /// Removes `path` (and its `-shm`) when it is a zero-byte file with no pages in its WAL either: used by a start
    /// that created the database and could not write its first page. (In WAL mode a live database's main file stays
    /// empty until the first checkpoint: its WAL says it is not lost.)
    static func removeIfEmpty(_ path: String) {
        guard regularFileSize(path) == 0, (regularFileSize(path + "-wal") ?? 0) == 0 else { return }
        for p in [path, path + "-wal", path + "-shm"] { unlink(p) }
    }

    /// The size of the regular file at `path`; nil when there is none.
    private static func regularFileSize(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }
}
