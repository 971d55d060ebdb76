import Foundation
import OrchSQLite
import OrchStore
#if canImport(Glibc)
import Glibc
#endif

/// Watches ORCH_HOME's free space (statvfs) and remembers the last write that failed for lack of it.
/// `@unchecked Sendable`: the remembered failure is only touched under `lock`.
final class StorageGuard: @unchecked Sendable {
    let folder: String
    private let lock = NSLock()
    private var lastFullWrite: (at: Date, message: String)?

    init(folder: String) {
        self.folder = folder
    }

    func condition(now: Date = Date()) -> StorageCondition {
        StorageCondition.assess(freeBytes: Self.freeBytes(folder), folder: folder,
                                lastFullWrite: lock.withLock { lastFullWrite }, now: now)
    }

    /// Records `error` when it says the disk is full; returns whether it did.
    @discardableResult
    func noteFailure(_ error: Error, now: Date = Date()) -> Bool {
        guard DiskFull.caused(error) else { return false }
        let message = (error as? SQLiteError)?.message ?? "\(error)"
        lock.withLock { lastFullWrite = (now, message) }
        return true
    }

    /// Bytes an unprivileged process may still write under `folder`, or nil when statvfs fails.
    static func freeBytes(_ folder: String) -> UInt64? {
        var fs = statvfs()
        guard statvfs(folder, &fs) == 0 else { return nil }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
    }
}
