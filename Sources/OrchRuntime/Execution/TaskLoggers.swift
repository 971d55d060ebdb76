import CAttemptGuardian
import Foundation
import OrchCore
import OrchStore

/// Appends timestamped lines to an attempt's log file (in-process attempts). The file (and its folder) is
/// created on the first line (``AttemptLogFile``), or earlier by ``openAhead()``, whichever comes first.
public final class FileTaskLogger: TaskLogger, @unchecked Sendable {
    private let path: String
    private var fd: Int32 = -1
    private let lock = NSLock()

    public init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    public func log(_ message: String) {
        let line = Array("[\(logTimestamp())] \(message)\n".utf8)
        lock.lock(); defer { lock.unlock() }
        openIfNeeded()
        guard fd >= 0 else { return }
        _ = writeAll(fd, line)   // a full disk loses the line, as before; the attempt goes on
    }

    /// Creates (or opens) the file now, unless a line already did: the task host calls it on its request reader
    /// right after handing the attempt to its own thread, so that the file is made beside the body instead of
    /// between the body's end and its `finished` line (docs/performance.md, "The hosted attempt's log file made
    /// beside its body"). A file that cannot be opened is tried again by the first line.
    public func openAhead() {
        lock.lock(); defer { lock.unlock() }
        openIfNeeded()
    }

    /// Must hold the lock.
    private func openIfNeeded() {
        if fd < 0 { fd = AttemptLogFile.openForAppend(path) }
    }
}

/// Writes timestamped lines to stdout, which the worker pool captured into the log file (child attempts).
public struct StandardOutputLogger: TaskLogger {
    public init() {}
    public func log(_ message: String) {
        // A plain write(2): a full disk loses the line (FileHandle's legacy `write(_:)` traps), and no `Data` is
        // built: `Data(line.utf8)` looks up protocol conformances the fork server never used, a third of a
        // forked no-op attempt's CPU.
        _ = writeAll(STDOUT_FILENO, Array("[\(logTimestamp())] \(message)\n".utf8))
    }
}

/// Writes timestamped lines to stdout, each naming its task (`orch dags test`, where every task of a run shares one
/// output): `[2026-12-01T05:30:00.123Z] extract: fetched 30 orders`.
public struct TaskLabelledOutputLogger: TaskLogger {
    public let taskId: String
    public init(taskId: String) { self.taskId = taskId }
    public func log(_ message: String) {
        _ = writeAll(STDOUT_FILENO, Array("[\(logTimestamp())] \(taskId): \(message)\n".utf8))
    }
}

/// `2026-12-01T05:30:00.123Z`, written digit by digit (`String(format:)` costs a forked attempt's process more
/// than its whole no-op task: it looks up protocol conformances the fork server never used), by the same C function
/// the attempt process's signal handler writes its lines with (`orch_guardian_timestamp`, which adds `[` and `] `).
func logTimestamp(_ now: Date = Date()) -> String {
    var prefix = [CChar](repeating: 0, count: 40)
    let n = Int(orch_guardian_timestamp(Int64(now.timeIntervalSince1970), Int32(Int(now.timeIntervalSince1970 * 1000) % 1000),
                                        &prefix))
    return String(decoding: prefix[1..<n - 2].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// XCom through the state database (a SQLite file path or a PostgreSQL URI, see `StateLocation`). Opens its own
/// connection lazily, so a task that never uses XCom never touches the database.
public final class StoreXCom: XComAccess, @unchecked Sendable {
    private let runPk: Int64
    private let databasePath: String
    private var store: SQLiteStateStoreHandle?
    private let lock = NSLock()

    public init(runPk: Int64, databasePath: String) {
        self.runPk = runPk
        self.databasePath = databasePath
    }

    public func push(task: String, key: String, value: JSONValue) throws {
        try withStore { try $0.pushXCom(runPk: runPk, taskId: task, key: key, value: value, now: Date()) }
    }

    public func pull(task: String, key: String) throws -> JSONValue? {
        try withStore { try $0.pullXCom(runPk: runPk, taskId: task, key: key) }
    }

    private func withStore<T>(_ body: (SQLiteStateStoreHandle) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        if store == nil { store = try SQLStateStore(location: StateLocation(databasePath), migrate: false) }
        return try body(store!)
    }
}

/// XCom through a store this process already has open (in-process attempts).
public struct EngineXCom: XComAccess {
    let store: SQLiteStateStoreHandle
    let runPk: Int64
    public init(store: SQLiteStateStoreHandle, runPk: Int64) { self.store = store; self.runPk = runPk }
    public func push(task: String, key: String, value: JSONValue) throws {
        try store.pushXCom(runPk: runPk, taskId: task, key: key, value: value, now: Date())
    }
    public func pull(task: String, key: String) throws -> JSONValue? {
        try store.pullXCom(runPk: runPk, taskId: task, key: key)
    }
}

/// XCom kept in memory (`orch tasks test`: nothing persisted).
public final class MemoryXCom: XComAccess, @unchecked Sendable {
    private var values: [String: JSONValue] = [:]
    private let lock = NSLock()
    public init() {}
    public func push(task: String, key: String, value: JSONValue) throws {
        lock.withLock { values["\(task)/\(key)"] = value }
    }
    public func pull(task: String, key: String) throws -> JSONValue? {
        lock.withLock { values["\(task)/\(key)"] }
    }
}
