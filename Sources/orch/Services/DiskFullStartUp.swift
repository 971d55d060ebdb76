import Foundation
import Logging
import OrchRuntime
import OrchStore
import ServiceLifecycle

/// A scheduler or web server that cannot start because ORCH_HOME's disk is full waits for space instead of ending
/// its process: under `orch serve` the scheduler's end would stop the web server too, which stays up to answer
/// /health 503 "full" and refuse triggers with 507 (issue 11). The DAG sync at start-up writes megabytes (301 DAGs'
/// rows, manifests, version copies), so it is the write most likely to meet a full disk.
enum DiskFullStartUp {
    /// Thrown when the service group shut down (or was cancelled) while start-up waited for space.
    struct ShutDown: Error {}

    /// `body`'s value once it succeeds, waiting 1 s, 2 s, 4 s … at most 10 s between tries while the disk is full
    /// (`DiskFull`); ``ShutDown`` when the service group shut down while waiting. Other errors are thrown at once.
    static func run<T>(_ what: String, logger: Logger = OrchLog.scheduler, _ body: () throws -> T) async throws -> T {
        var wait = 1.0
        while true {
            do { return try body() } catch where DiskFull.caused(error) {
                logger.warning("cannot \(what): \(error) — the disk is full; trying again in \(Int(wait)) s (free space under ORCH_HOME)")
                let nanoseconds = UInt64(wait * 1e9)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: nanoseconds) }
                if Task.isShuttingDownGracefully || Task.isCancelled { throw ShutDown() }
                wait = min(wait * 2, 10)
            }
        }
    }
}
