import Foundation
import OrchStore
import OrchCore

/// `orch worker`: leases attempts of its queues from the server (a long poll, never a busy loop), runs each with
/// the same launcher and supervisor as the scheduler's own pool (``WorkerPool``: bundle fork server, process group,
/// log file, SIGTERM then SIGKILL), and reports on it over HTTP (``RemoteAttemptSession``). It needs nothing of the
/// server but its URL and a worker token: no shared file, no database.
public final class RemoteWorker: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var server: String
        public var token: String
        public var queues: [String]
        public var slots: Int
        public var home: OrchHome
        /// Seconds a lease request is held by the server when nothing is offered.
        public var leaseWait: Double
        public init(server: String, token: String, queues: [String], slots: Int, home: OrchHome,
                    leaseWait: Double = WorkerWire.longestWait) {
            self.server = server
            self.token = token
            self.queues = queues
            self.slots = max(1, slots)
            self.home = home
            self.leaseWait = leaseWait
        }
    }

    public let configuration: Configuration
    let api: WorkerAPIClient
    let pool: WorkerPool
    let bundles: BundleCache
    let log: @Sendable (String) -> Void
    /// Names this process to the server (host and pid).
    public let name = "\(ProcessInfo.processInfo.hostName):\(getpid())"
    private let condition = NSCondition()
    private var running = 0
    private var stopping = false

    public init(configuration: Configuration, log: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.log = log
        api = WorkerAPIClient(server: configuration.server, token: configuration.token)
        bundles = BundleCache(home: configuration.home)
        // Every attempt runs in a process of its downloaded bundle (`launch(_:bundle:callbacks:)`): the pool never
        // runs a task in this process, so its in-process XCom is never asked for.
        pool = WorkerPool(slots: configuration.slots, lookupTask: { _, _ in nil }, runXCom: { _ in MemoryXCom() })
    }

    /// Stop leasing; attempts running now are finished and reported first.
    public func requestStop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    /// Attempts running now.
    public var runningCount: Int { condition.withLock { running } }

    /// Leases and runs attempts until ``requestStop()``, then waits for the running ones to be reported.
    public func run() {
        log("worker \(name) serving queues \(configuration.queues.joined(separator: ",")) with \(configuration.slots) slot(s) from \(api.server)")
        var backoff = 0.5
        while true {
            let free: Int? = condition.withLock {
                while running >= configuration.slots && !stopping { condition.wait() }
                return stopping ? nil : configuration.slots - running
            }
            guard let free else { break }
            do {
                let leases = try api.lease(WorkerWire.LeaseRequest(queues: configuration.queues, slots: free, worker: name,
                                                                   wait: configuration.leaseWait))
                backoff = 0.5
                for lease in leases { start(lease) }
            } catch let error as WorkerAPIError where error.description.contains("worker token") {
                log("\(error); stopping")
                requestStop()
            } catch {
                log("cannot lease from \(api.server): \(error); trying again in \(backoff) s")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
        condition.withLock { while running > 0 { condition.wait() } }
        log("worker \(name) stopped")
    }

    private func start(_ lease: WorkerWire.Lease) {
        condition.withLock { running += 1 }
        Thread.detachNewThread { [self] in
            RemoteAttemptSession(lease: lease, worker: self).run()
            condition.withLock {
                running -= 1
                condition.broadcast()
            }
        }
    }
}
