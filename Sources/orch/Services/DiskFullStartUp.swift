import Foundation
import Logging
import OrchRuntime
import OrchSQLite
import ServiceLifecycle

/// A scheduler or web server that cannot start because ORCH_HOME's disk is full waits for space instead of ending
/// its process: under `orch serve` the scheduler's end would stop the web server too, which stays up to answer
/// /health 503 "full" and refuse triggers with 507 (issue 11). The DAG sync at start-up writes megabytes (301 DAGs'
/// rows, manifests, version copies), so it is the write most likely to meet a full disk.
enum DiskFullStartUp {
    /// True when `error` says the disk is full or failing: SQLite's SQLITE_FULL/SQLITE_IOERR, or a file write out
    /// of space.
    static func isDiskFull(_ error: Error) -> Bool {
        if let e = error as? SQLiteError { return e.isDiskProblem }
        if let e = error as? CocoaError { return e.code == .fileWriteOutOfSpace }
        if let e = error as? POSIXError { return e.code == .ENOSPC }
        return false
    }

    /// The wait before try `n` (1-based) of start-up: 1 s, 2 s, 4 s … at most 10 s.
    static func delay(beforeTry n: Int) -> Double { min(10, pow(2, Double(max(0, n - 2)))) }

    /// Thrown when the service group shut down (or was cancelled) while start-up waited for space.
    struct ShutDown: Error {}

    /// `body`'s value once it succeeds; ``ShutDown`` when the service group shut down while waiting. Errors other
    /// than a full disk are thrown at once.
    static func run<T>(_ what: String, logger: Logger = OrchLog.scheduler, _ body: () throws -> T) async throws -> T {
        var tries = 1
        while true {
            do { return try body() } catch where isDiskFull(error) {
                tries += 1
                let wait = delay(beforeTry: tries)
                logger.warning("cannot \(what): \(error) — the disk is full; trying again in \(Int(wait)) s (free space under ORCH_HOME)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                if Task.isShuttingDownGracefully || Task.isCancelled { throw ShutDown() }
            }
        }
    }
}
