#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The pool's side of the fork server: starts `orch __fork-server` with two pipes, sends it attempt specs and
/// turns its event lines into callbacks. If the server dies, attempts it had started are handed to `lost`
/// (their processes live on, holding their locks) and a new server is started on the next launch. A server with
/// no attempt waiting or running for ``HelperSwitches/idleSeconds`` is stopped (``HelperIdleRetirement``); the
/// next launch starts another.
final class ForkServerClient: @unchecked Sendable {
    struct Handlers: Sendable {
        /// The child started; `endKnown`: its own report of its end (`ended`) came in the same read, and `ended`
        /// is called right after this.
        var started: @Sendable (_ pid: Int32, _ endKnown: Bool) -> Void
        /// The child reported its attempt's end with this exit code, and is exiting.
        var ended: @Sendable (Int32) -> Void
        /// The child was reaped without having reported its end.
        var exited: @Sendable (ChildExit) -> Void
        /// The child that reported its end was reaped.
        var reapedAfterEnd: @Sendable () -> Void
        var refused: @Sendable (String) -> Void
        var lost: @Sendable (Int32) -> Void
    }

    private let executable: String
    private let lock = NSLock()
    private var requestFD: Int32 = -1
    private var serverPid: pid_t = 0
    private var nextId = 1
    /// Attempts sent and not yet started, and started ones not yet ended, each with the pid of the server it went
    /// to: when a server ends, only its own are refused or lost (a new server may already have others).
    private var waiting: [Int: (server: pid_t, handlers: Handlers)] = [:]
    private var running: [Int32: (server: pid_t, handlers: Handlers)] = [:]
    /// Children that reported their end and are not reaped yet.
    private var ending: [Int32: (server: pid_t, handlers: Handlers)] = [:]
    private var idle: HelperIdleRetirement
    /// What the running server keeps of each run's spec (and the protocol version it announced).
    private var contexts = RunContexts()
    private let starts = HelperStart()
    /// The executable did not answer as a fork server: the pool spawns attempts instead.
    private var unavailable: Bool { starts.answeredAsHelper == false }

    init(executable: String, idleSeconds: Double?) {
        self.executable = executable
        idle = HelperIdleRetirement(seconds: idleSeconds)
    }

    /// True when a launch now would not wait for a server to start: one is up (or none can be, and the launch
    /// falls back at once) and no other thread is starting one.
    var launchesWithoutWaiting: Bool {
        guard lock.try() else { return !starts.isStarting }   // held for an event or a send, or for a start
        defer { lock.unlock() }
        return requestFD >= 0 || unavailable
    }

    /// Sends one attempt to the server (starting it if needed). Returns false when no server can be started.
    func launch(_ spec: AttemptSpec, handlers: Handlers) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !unavailable else { return false }
        for _ in 0..<2 {
            if requestFD < 0 && !startServer() { return false }
            let id = nextId
            nextId += 1
            guard let line = contexts.requestLine(id: id, spec: spec) else { return false }
            waiting[id] = (serverPid, handlers)
            if writeAll(requestFD, line) { workChanged(); return true }
            waiting[id] = nil
            close(requestFD)    // the server is gone; start another and try once more
            requestFD = -1
        }
        return false
    }

    /// Starts the server now, if it is not running, instead of on the first launch: an attempt is then never
    /// recorded as started while its server is still coming up.
    func warmUp() {
        lock.lock()
        defer { lock.unlock() }
        if requestFD < 0 && !unavailable { _ = startServer() }
    }

    /// Closing the request pipe tells the server to finish: it reports its children's exits, then leaves.
    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        if requestFD >= 0 { close(requestFD) }
        requestFD = -1
    }

    /// Must hold the lock.
    private func startServer() -> Bool {
        // The first line must be `ready`; anything else from an executable that never answered (one that is not
        // orch) means no fork server for this pool, and attempts are spawned one by one instead (HelperStart).
        var version = 1
        // The children's end reports come to this side straight (AttemptEndReport); without a pipe, through the server.
        let reports = AttemptEndReport.Channel.forPool()
        var environment = ForkServer.helperEnvironment()
        if reports != nil { environment[AttemptEndReport.poolPipeKey] = String(HelperProcess.passedFD) }
        let started = starts.run {
            HelperProcess.start(executable, command: "__fork-server", environment: environment,
                                passing: reports?.writeFD ?? -1, isReady: { line in
                version = TaskHostProtocol.version(ofReadyLine: line)
                return ForkServerProtocol.Event.parse(line) == .ready
            })
        }
        if let reports { close(reports.writeFD) }   // the server's and its children's copies are the writers
        switch started {
        case .failed, .notAHelper:
            if let reports { close(reports.readFD) }
            return false
        case .started(let server):
            requestFD = server.requestFD
            serverPid = server.pid
            contexts.reset(version: version)
            Thread.detachNewThread { [self] in readEvents(server, reports: reports) }
            workChanged()
            return true
        }
    }

    /// Must hold the lock. After any change to the server's work: when it has none, a check ``idleSeconds`` later
    /// closes its request pipe unless its work changed in between; the server leaves, and the next launch starts
    /// another (``HelperIdleRetirement``).
    private func workChanged() {
        idle.changed(idle: requestFD >= 0 && waiting.isEmpty && running.isEmpty) { [weak self] stamp in
            guard let self else { return }
            lock.withLock { idle.retire(&requestFD, ifIdleSince: stamp) }
        }
    }

    private func readEvents(_ server: HelperProcess, reports: AttemptEndReport.Channel?) {
        EngineTurnExecutor.runTurnsOnThisThread()   // the turn an attempt's end wakes runs here (EngineTurnExecutor)
        var order = EndReportOrder()
        _ = server.readEventBatches(alsoWakingFor: reports?.readFD ?? -1) { lines in
            // The reports are read after the lines: every child whose `exited` is among them has its report here.
            let events = order.events(lines: lines.compactMap(ForkServerProtocol.Event.parse),
                                      reports: reports?.readReports() ?? [])
            let ended = events.count > 1 ? ForkServerProtocol.Event.endedPids(in: events) : []
            EngineTurnExecutor.afterBatch { for event in events { dispatch(event, ended: ended) } }
        }
        if let reports { close(reports.readFD) }
        // The server is gone: its attempts not yet started failed to start; its started ones live on unwatched.
        lock.lock()
        let notStarted = waiting.filter { $0.value.server == server.pid }
        let orphans = running.filter { $0.value.server == server.pid }
        for id in notStarted.keys { waiting[id] = nil }
        for childPid in orphans.keys { running[childPid] = nil }
        ending = ending.filter { $0.value.server != server.pid }   // over: their exits are no one's to report now
        if serverPid == server.pid, requestFD >= 0 { close(requestFD); requestFD = -1 }
        lock.unlock()
        for entry in notStarted.values { entry.handlers.refused("the fork server stopped before starting the attempt") }
        for (childPid, entry) in orphans { entry.handlers.lost(childPid) }
    }

    /// `ended`: the pids the same read reports ended.
    private func dispatch(_ event: ForkServerProtocol.Event, ended: Set<Int32>) {
        switch event {
        case .started(let id, let pid):
            lock.lock()
            let entry = waiting.removeValue(forKey: id)
            if let entry { running[pid] = entry }
            lock.unlock()
            entry?.handlers.started(pid, ended.contains(pid))
        case .refused(let id, let message):
            lock.lock()
            let entry = waiting.removeValue(forKey: id)
            workChanged()
            lock.unlock()
            entry?.handlers.refused(message)
        case .ready:
            break
        case .ended(let pid, let code):
            lock.lock()
            let entry = running.removeValue(forKey: pid)
            if let entry { ending[pid] = entry }
            workChanged()
            lock.unlock()
            entry?.handlers.ended(code)
        case .exited(let pid, let code, let sig):
            lock.lock()
            let entry = running.removeValue(forKey: pid)
            let endedBefore = ending.removeValue(forKey: pid)
            workChanged()
            lock.unlock()
            entry?.handlers.exited(sig == 0 ? .exited(code) : .signaled(sig))
            endedBefore?.handlers.reapedAfterEnd()
        }
    }
}
