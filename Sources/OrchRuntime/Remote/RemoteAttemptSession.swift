#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore
import OrchCore

/// One leased attempt on a remote worker, from bundle to report: gets the bundle (cached by hash), runs the
/// attempt in ``WorkerPool``, streams its log by byte offset, heartbeats (the answer may ask it to stop: its
/// timeout), and completes with the fencing token. When the server refuses the token (the lease was lost, e.g.
/// this worker was frozen past the lease timeout) it kills the attempt's processes and reports nothing more.
/// Transport failures (the server restarting) are retried: the attempt keeps running and is reported once the
/// server answers again.
final class RemoteAttemptSession: @unchecked Sendable {
    let lease: WorkerWire.Lease
    let worker: RemoteWorker
    private let lock = NSLock()
    private var outcome: AttemptOutcome?
    /// Signalled when the attempt's process has ended (its outcome is set).
    private let ended = NSCondition()
    private var logOffset = 0
    private var lost = false

    init(lease: WorkerWire.Lease, worker: RemoteWorker) {
        self.lease = lease
        self.worker = worker
    }

    var log: @Sendable (String) -> Void { worker.log }

    func run() {
        let spec: AttemptSpec
        do { spec = try localSpec() } catch {
            log("attempt \(lease.attemptId): cannot read its spec: \(error)")
            return report(.failed(exitCode: nil, error: "the worker cannot read the attempt's spec: \(error)"))
        }
        let what = "\(spec.dagId).\(spec.taskId) run \(spec.runId) try \(spec.tryNumber) (attempt \(lease.attemptId))"
        // The first heartbeat acknowledges the lease: only then does the server count it as started.
        guard acknowledge(what) else { return }
        let bundle: String
        switch fetchBundle(spec, what) {
        case .fetched(let path): bundle = path
        case .leaseLost: return
        case .failed(let error):
            log("\(what): no bundle: \(error)")
            return report(.failed(exitCode: nil, error: "the worker could not get bundle \(lease.bundleSha256): \(error)"))
        }
        log("\(what): started")
        unlink(spec.logPath)   // a log left by an earlier lease of this try; the pool's open makes the folders
        worker.pool.launch(spec, bundle: bundle, callbacks: AttemptCallbacks(
            started: { _, _ in },
            finished: { [self] o in
                ended.withLock {
                    lock.withLock { outcome = o }
                    ended.broadcast()
                }
            }))
        var nextBeat = Date().addingTimeInterval(lease.heartbeatInterval)
        while !waitForEnd(seconds: 0.5) {
            shipLog(spec)
            guard !isLost else { continue }
            if Date() >= nextBeat {
                heartbeat(spec)
                nextBeat = Date().addingTimeInterval(lease.heartbeatInterval)
            }
        }
        let result = lock.withLock { outcome } ?? .failed(exitCode: nil, error: "no outcome")
        if isLost {
            log("\(what): ended (\(result.summary)) after its lease was lost; its result is not reported")
            return
        }
        shipLog(spec, final: true)
        log("\(what): \(result.summary)")
        report(result)
    }

    private var isLost: Bool { lock.withLock { lost } }

    enum BundleFetch { case fetched(String), failed(Error), leaseLost }

    /// The bundle executable, from the cache or the server. A server that is restarting (no answer, or 5xx) is
    /// asked again, with heartbeats meanwhile, for up to four lease timeouts: a restart is not the task's failure.
    private func fetchBundle(_ spec: AttemptSpec, _ what: String) -> BundleFetch {
        var nextBeat = Date().addingTimeInterval(lease.heartbeatInterval)
        do {
            return .fetched(try TransientRetry.run(giveUp: Date().addingTimeInterval(max(4 * lease.leaseTimeout, 60)),
                                                   waiting: { error, delay in
                if Date() >= nextBeat {
                    heartbeat(spec)
                    nextBeat = Date().addingTimeInterval(lease.heartbeatInterval)
                }
                if isLost { return false }
                log("\(what): bundle not fetched (\(error)); trying again in \(delay) s")
                return true
            }) {
                try worker.bundles.executable(sha256: lease.bundleSha256) { try worker.api.bundle(sha256: lease.bundleSha256) }
            })
        } catch TransientRetry.Stop.byCaller {
            return .leaseLost
        } catch {
            return .failed(error)
        }
    }

    /// Waits up to `seconds` for the attempt's process to end; true once it has.
    private func waitForEnd(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        return ended.withLock {
            while lock.withLock({ outcome }) == nil {
                if !ended.wait(until: deadline) { return lock.withLock { outcome } != nil }
            }
            return true
        }
    }

    /// Sends the first heartbeat, retrying transport failures for a lease timeout; false when the lease is gone.
    private func acknowledge(_ what: String) -> Bool {
        let deadline = Date().addingTimeInterval(lease.leaseTimeout)
        while true {
            do {
                switch try worker.api.heartbeat(lease) {
                case .ok: return true
                case .refused(let why):
                    log("\(what): lease refused before it started (\(why))")
                    return false
                }
            } catch {
                guard Date() < deadline else {
                    log("\(what): cannot acknowledge the lease (\(error)); dropped")
                    return false
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    /// The spec as it runs here: log under this worker's home, no state database, XCom through the server with
    /// the fencing token, and the variables the DAG asked for taken from this worker's environment.
    func localSpec() throws -> AttemptSpec {
        var spec = try AttemptSpec.decode(lease.spec)
        let home = worker.configuration.home
        spec.logPath = home.attemptLogPath(dagId: spec.dagId, runId: spec.runId, taskId: spec.taskId,
                                           tryNumber: spec.tryNumber).path
        spec.home = home.root.path
        spec.databasePath = ""
        // Resolved here, as the DAG declared them (patterns too): the scheduler's host may lack what this one sets.
        spec.environment = TaskEnvironment.requested(spec.requestedEnvironment ?? Array(spec.environment.keys),
                                                     from: ProcessInfo.processInfo.environment)
        spec.remoteXCom = RemoteXComEndpoint(server: worker.api.server, attemptId: lease.attemptId, token: lease.token)
        return spec
    }

    private func heartbeat(_ spec: AttemptSpec) {
        do {
            switch try worker.api.heartbeat(lease) {
            case .ok(let answer):
                if let s = answer.stop.flatMap(StopSignal.init) {
                    worker.pool.stop(spec, s, reason: "the scheduler asked to stop it (\(s.rawValue))")
                }
            case .refused(let why):
                leaseLost(spec, why)
            }
        } catch {
            log("attempt \(lease.attemptId): heartbeat not delivered (\(error)); the attempt keeps running")
        }
    }

    /// The server refused the fencing token: stop the attempt's processes; nothing of it is reported any more.
    private func leaseLost(_ spec: AttemptSpec, _ why: String) {
        lock.withLock { lost = true }
        log("attempt \(lease.attemptId): lease refused by the server (\(why)); killing its processes")
        worker.pool.stop(spec, .kill, reason: "lease lost")
    }

    /// Sends what the log file holds past the last acknowledged offset (up to 1 MiB a call).
    private func shipLog(_ spec: AttemptSpec, final: Bool = false) {
        guard let handle = FileHandle(forReadingAtPath: spec.logPath) else { return }
        defer { try? handle.close() }
        var tries = 0
        while !isLost {
            try? handle.seek(toOffset: UInt64(logOffset))
            guard let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty else { return }
            do {
                switch try worker.api.appendLog(lease, offset: logOffset, [UInt8](chunk)) {
                case .ok(let size): logOffset = size
                case .refused(let why):
                    // A gap (the server lost part of the log) is answered with 409 too: resend from what it holds.
                    if let size = Self.heldSize(why) { logOffset = size; continue }
                    return leaseLost(spec, why)
                }
            } catch {
                tries += 1
                if !final || tries > 20 { return }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    static func heldSize(_ message: String) -> Int? {
        guard let r = message.range(of: "send from ") else { return nil }
        return Int(message[r.upperBound...].prefix { $0.isNumber })
    }

    /// Completes the attempt, retrying until the server answers (it may be restarting).
    private func report(_ result: AttemptOutcome) {
        var wait = 0.5
        while true {
            do {
                switch try worker.api.complete(lease, result) {
                case .ok: return
                case .refused(let why):
                    log("attempt \(lease.attemptId): result refused by the server: \(why)")
                    return
                }
            } catch {
                log("attempt \(lease.attemptId): result not delivered (\(error)); trying again in \(wait) s")
                Thread.sleep(forTimeInterval: wait)
                wait = min(wait * 2, 5)
            }
        }
    }
}
