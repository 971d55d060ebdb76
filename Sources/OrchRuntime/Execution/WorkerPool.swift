#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import OrchCore

/// Callbacks from a running attempt to whoever started it.
public struct AttemptCallbacks: Sendable {
    public var started: @Sendable (_ pid: Int32, _ startTicks: Int64?) -> Void
    /// The start of an attempt whose end is already in hand (a forked child that reported its end before its start
    /// was read): `finished` follows at once, on the same thread. The same as `started` unless given.
    public var startedWithEnd: @Sendable (_ pid: Int32, _ startTicks: Int64?) -> Void
    public var finished: @Sendable (AttemptOutcome) -> Void
    public init(started: @escaping @Sendable (Int32, Int64?) -> Void,
                startedWithEnd: (@Sendable (Int32, Int64?) -> Void)? = nil,
                finished: @escaping @Sendable (AttemptOutcome) -> Void) {
        self.started = started
        self.startedWithEnd = startedWithEnd ?? started
        self.finished = finished
    }
}

/// The launcher: starts attempts, watches them and reports how they ended, nothing more. Process-isolated ones run
/// as children (the `orch` binary re-executed as `orch tasks run DAG TASK --run RUN --try N`), in-process ones as
/// Swift tasks here. Slots, timeouts and every other policy belong to the engine (`EngineStateMachine`), which asks
/// for an attempt to be stopped with ``stop(_:_:reason:)``.
public final class WorkerPool: @unchecked Sendable {
    public let slots: Int
    /// The binary re-executed for process-isolated attempts.
    public let executable: String
    /// Seconds between SIGTERM and SIGKILL when an attempt times out.
    public let killGrace: Double
    /// XCom of a run as this process reaches it: for attempts in this process, and served to task processes
    /// over ``XComSocketServer`` (started with the first of them).
    private let runXCom: @Sendable (Int64) -> XComAccess
    private var xcomServer: XComSocketServer?
    private var xcomServerFailed = false
    private let lookupTask: @Sendable (String, String) -> TaskSpec?
    /// Forks attempts from a warm process instead of starting the binary each time (nil: posix_spawn only).
    private let forkServer: ForkServerClient?
    /// The bundle executable that runs a DAG's tasks (nil: the DAG's tasks run as before, through `executable`
    /// or in this process). Every task of a bundle DAG runs in a process of its bundle, never in this one.
    private let bundleExecutable: @Sendable (AttemptSpec) -> String?
    /// One fork server per bundle executable (a bundle version), started on its first attempt.
    private var bundleForkServers: [String: ForkServerClient] = [:]
    /// One task host per bundle executable, for its `.inProcess` tasks, started on the first of them.
    private var bundleTaskHosts: [String: TaskHostClient] = [:]
    /// Whether bundles' fork servers and task hosts are used, and how long they may idle (``HelperSwitches``).
    private let switches: HelperSwitches
    private let bundleLock = NSLock()
    /// Attempts running now, by their lock path, so the engine can stop them.
    private let live = LiveAttempts()

    /// `switches`: whether attempts start through `orch __fork-server` and a bundle's `.inProcess` tasks run in its
    /// task host, and how long such a helper may have nothing to do before it is stopped (from the environment by
    /// default, read once).
    public init(slots: Int, executable: String = WorkerPool.currentExecutable(), killGrace: Double = 5,
                switches: HelperSwitches = HelperSwitches(),
                lookupTask: @escaping @Sendable (String, String) -> TaskSpec?,
                runXCom: @escaping @Sendable (_ runPk: Int64) -> XComAccess,
                bundleExecutable: @escaping @Sendable (AttemptSpec) -> String? = { _ in nil }) {
        self.slots = max(1, slots)
        self.bundleExecutable = bundleExecutable
        self.switches = switches
        self.executable = executable
        self.killGrace = killGrace
        self.lookupTask = lookupTask
        self.runXCom = runXCom
        forkServer = switches.forkServer ? ForkServerClient(executable: executable, idleSeconds: switches.idleSeconds) : nil
        // A fork server or child that died must not take this process with it when we write to its pipe.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        forkServer?.shutdown()
        for server in bundleForkServers.values { server.shutdown() }
        for host in bundleTaskHosts.values { host.shutdown() }
    }

    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// How an attempt really runs: every task of a bundle DAG in a process of its bundle (forked from its fork
    /// server or spawned), `.inProcess` ones included; other tasks as they ask. What `task_attempt.isolation`
    /// records, and what restart recovery goes by (a process holds its lock file and can be adopted).
    public func isolation(of spec: AttemptSpec, task: TaskSpec) -> Isolation {
        guard let bundle = bundleExecutable(spec) else { return task.isolation }
        guard task.isolation == .inProcess, let host = bundleTaskHost(bundle) else { return .process }
        return runsHosted(host) ? .inProcess : .process
    }

    /// Whether a bundle's `.inProcess` tasks run in its task host: yes once the executable has answered as one (a
    /// host that retired or died since is started again by the attempt, off the engine's thread), no once it
    /// answered as something else (an older OrchSDK: they run as processes). Before its first answer the host is
    /// started here, on the caller's thread, since the answer decides the isolation recorded for the attempt
    /// before it is sent, which restart recovery goes by.
    private func runsHosted(_ host: TaskHostClient) -> Bool {
        host.answeredAsHost ?? host.isAvailable()
    }

    /// Starts an attempt as ``isolation(of:task:)`` decides now; `callbacks.finished` is called exactly once.
    public func launch(_ spec: AttemptSpec, task: TaskSpec, callbacks: AttemptCallbacks) {
        launch(spec, task: task, as: isolation(of: spec, task: task), callbacks: callbacks)
    }

    /// Starts an attempt with the isolation recorded for it (``isolation(of:task:)``, asked once before it was
    /// recorded: restart recovery goes by the record, so the attempt must run as recorded); `callbacks.finished` is
    /// called exactly once. An in-process attempt of a bundle whose task host cannot be started fails; it never
    /// falls back to a process.
    public func launch(_ spec: AttemptSpec, task: TaskSpec, as isolation: Isolation, callbacks: AttemptCallbacks) {
        if let bundle = bundleExecutable(spec) {
            if isolation == .inProcess, let host = bundleTaskHost(bundle) {
                return launchHosted(spec, host: host, callbacks: callbacks)
            }
            return launchProcess(spec, executable: bundle, forkServer: bundleForkServer(bundle), callbacks: callbacks)
        }
        switch isolation {
        case .process: launchProcess(spec, executable: executable, forkServer: forkServer, callbacks: callbacks)
        case .inProcess: launchInProcess(spec, task: task, callbacks: callbacks)
        }
    }

    /// Starts an attempt in a process of the given bundle executable (a remote worker's, downloaded by its hash);
    /// `callbacks.finished` is called exactly once.
    public func launch(_ spec: AttemptSpec, bundle: String, callbacks: AttemptCallbacks) {
        launchProcess(spec, executable: bundle, forkServer: bundleForkServer(bundle), callbacks: callbacks)
    }

    /// Starts the fork server of each bundle executable, and the task host of each of `taskHosts`, in the
    /// background, so that the first attempt of a bundle does not wait for them (nor is recorded as started while
    /// they are still coming up).
    public func warmUp(bundleExecutables: Set<String>, taskHosts: Set<String> = []) {
        for executable in bundleExecutables {
            guard let server = bundleForkServer(executable) else { break }
            Thread.detachNewThread { server.warmUp() }
        }
        for executable in taskHosts {
            guard let host = bundleTaskHost(executable) else { break }
            Thread.detachNewThread { _ = host.isAvailable() }
        }
    }

    /// Uses helpers started before this pool (``PrestartedHelpers``) for their executables, unless this pool
    /// runs without that kind of helper or already has one there.
    public func adopt(_ helpers: PrestartedHelpers) {
        bundleLock.withLock {
            if switches.taskHost { bundleTaskHosts.merge(helpers.taskHosts) { own, _ in own } }
            if switches.forkServer { bundleForkServers.merge(helpers.forkServers) { own, _ in own } }
        }
    }

    private func bundleTaskHost(_ executable: String) -> TaskHostClient? {
        guard switches.taskHost else { return nil }
        return bundleLock.withLock {
            if let host = bundleTaskHosts[executable] { return host }
            let host = TaskHostClient(executable: executable, idleSeconds: switches.idleSeconds)
            bundleTaskHosts[executable] = host
            return host
        }
    }

    private func bundleForkServer(_ executable: String) -> ForkServerClient? {
        guard switches.forkServer else { return nil }
        return bundleLock.withLock {
            if let server = bundleForkServers[executable] { return server }
            let server = ForkServerClient(executable: executable, idleSeconds: switches.idleSeconds)
            bundleForkServers[executable] = server
            return server
        }
    }


    /// Asks a running attempt to stop: `.terminate` sends SIGTERM to its process group (its leader then stops
    /// what left the group, and SIGKILLs it after the grace period); `.kill` sends SIGKILL to every process of it
    /// still alive, the leader last. An in-process attempt is cancelled and reported ended at once (its Swift task
    /// may go on until it next checks for cancellation). Unknown or ended attempts are ignored.
    public func stop(_ spec: AttemptSpec, _ signal: StopSignal, reason: String) {
        switch live.get(spec.lockPath) {
        case .process(let watch)?:
            guard watch.isRunning, watch.pid > 0 else { return }
            switch signal {
            case .terminate: ChildProcess.signalGroup(watch.pid, SIGTERM)
            case .kill: AttemptReaper.killAll(group: watch.pid, leader: watch.leaderIsUnreapedChild ? watch.pid : nil,
                                              lockPath: spec.lockPath)
            }
        case .inProcess(let attempt)?:
            attempt.stop(reason: reason)
        case nil:
            return
        }
    }

    /// Points a task process's XCom at this pool's socket (an attempt's own grant, or the task host's) and takes
    /// the database path out of its spec. A remote worker's attempts keep their server's endpoint; if the socket
    /// cannot be made (a home path too long for one), the spec keeps the database path, as before issue 13.
    func routingXCom(_ given: AttemptSpec, host: Bool) -> AttemptSpec {
        guard given.remoteXCom == nil else { return given }
        let server: XComSocketServer? = bundleLock.withLock {
            if xcomServer == nil && !xcomServerFailed {
                do { xcomServer = try XComSocketServer(home: given.home, xcom: runXCom) } catch {
                    xcomServerFailed = true
                    OrchLog.scheduler.warning("task processes reach XCom through the state database: \(error)")
                }
            }
            return xcomServer
        }
        guard let server else { return given }
        var spec = given
        spec.localXCom = host ? server.hostEndpoint() : server.endpoint(runPk: spec.runPk, taskId: spec.taskId)
        spec.databasePath = ""
        return spec
    }

    private func launchProcess(_ spec: AttemptSpec, executable: String, forkServer: ForkServerClient?,
                               callbacks: AttemptCallbacks) {
        if let forkServer, !forkServer.launchesWithoutWaiting {
            // The bundle's fork server must start first (its first attempt, or the first since it retired for
            // idleness): 10-50 ms, up to 10 s for one that never answers. Not on the caller's thread, which is
            // the engine's: its other runs go on meanwhile. The attempt is reported started when its child is.
            Thread.detachNewThread { [self] in
                launchProcessNow(spec, executable: executable, forkServer: forkServer, callbacks: callbacks)
            }
            return
        }
        launchProcessNow(spec, executable: executable, forkServer: forkServer, callbacks: callbacks)
    }

    private func launchProcessNow(_ spec: AttemptSpec, executable: String, forkServer: ForkServerClient?,
                                  callbacks: AttemptCallbacks) {
        var spec = routingXCom(spec, host: false)
        spec.killGrace = killGrace
        if let forkServer, launchForked(forkServer, spec, callbacks: callbacks) { return }
        // The attempt's process gets ordinary variables only; what its DAG asked for travels in the spec.
        var env = TaskEnvironment.base(ProcessInfo.processInfo.environment)
        env["ORCH_HOME"] = spec.home
        let encoded = spec.encoded()
        if encoded.utf8.count <= AttemptSpec.environmentLimit {
            env[AttemptSpec.environmentKey] = encoded
        } else {
            do {
                try FileManager.default.createDirectory(atPath: (spec.logPath as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try PrivateFile.write(encoded, to: spec.specFilePath)
            } catch {
                callbacks.finished(.failed(exitCode: nil, error: "cannot write the attempt's spec file \(spec.specFilePath): \(error)"))
                return
            }
            env[AttemptSpec.fileEnvironmentKey] = spec.specFilePath
        }
        let args = ["tasks", "run", spec.dagId, spec.taskId, "--run", spec.runId, "--try", String(spec.tryNumber)]
        let started: ChildProcess.Started
        do {
            started = try ChildProcess.spawn(executable: executable, arguments: args, environment: env,
                                             logPath: spec.logPath, lockPath: spec.lockPath)
        } catch {
            callbacks.finished(.failed(exitCode: nil, error: "\(error)"))
            return
        }
        let watch = ProcessWatch(pid: started.pid, isOurChild: true)
        live.set(spec.lockPath, .process(watch))   // before `started`: the engine may stop it from then on
        callbacks.started(started.pid, started.startTicks)
        Thread.detachNewThread { [live, resultPath = spec.resultPath, logPath = spec.logPath, lockPath = spec.lockPath,
                                  grace = killGrace] in
            let exit = ChildProcess.wait(started.pid)
            watch.leaderReaped()
            // Ended only when nothing of it lives: what outlived the leader is stopped first.
            AttemptReaper.awaitQuiet(group: started.pid, lockPath: lockPath, grace: grace)
            watch.finish()
            live.remove(lockPath, .process(watch))
            callbacks.finished(WorkerPool.outcome(exit: exit, resultPath: resultPath, logPath: logPath))
        }
    }

    /// Through the fork server: same log, lock, process group and outcome rules as a spawned child.
    private func launchForked(_ server: ForkServerClient, _ spec: AttemptSpec, callbacks: AttemptCallbacks) -> Bool {
        let watchBox = WatchBox()
        let finish: @Sendable (ChildExit) -> Void = { [live] exit in
            let watch = watchBox.get()
            watch?.finish()
            if let watch { live.remove(spec.lockPath, .process(watch)) }
            callbacks.finished(WorkerPool.outcome(exit: exit, resultPath: spec.resultPath, logPath: spec.logPath))
        }
        // Nothing of an attempt outlives it: what is still in its group or holds its lock is stopped (off the event
        // thread when there is any), then `next` runs.
        let stopLeftovers: @Sendable (@escaping @Sendable () -> Void) -> Void = { [grace = killGrace] next in
            let group = watchBox.get()?.pid ?? 0
            if AttemptReaper.isQuiet(group: group, lockPath: spec.lockPath) { return next() }
            Thread.detachNewThread {
                AttemptReaper.awaitQuiet(group: group, lockPath: spec.lockPath, grace: grace)
                next()
            }
        }
        let handlers = ForkServerClient.Handlers(
            started: { [live] pid, endKnown in
                let watch = ProcessWatch(pid: pid, isOurChild: true)
                watchBox.set(watch)
                live.set(spec.lockPath, .process(watch))
                let ticks = ChildProcess.processStartTicks(pid)
                if endKnown { callbacks.startedWithEnd(pid, ticks) } else { callbacks.started(pid, ticks) }
            },
            // The child's own report: its task is done, its guardian ended every process the task started, its log
            // and result are written, and it is exiting. The kernel taking its memory down goes on beside the
            // engine's next step instead of before it; `reapedAfterEnd` checks what is left once it is gone.
            ended: { code in finish(.exited(code)) },
            exited: { exit in
                // The fork server reaped the leader. Ended only when nothing of it lives.
                watchBox.get()?.leaderReaped()
                stopLeftovers { finish(exit) }
            },
            reapedAfterEnd: { stopLeftovers {} },
            refused: { message in callbacks.finished(.failed(exitCode: nil, error: message)) },
            lost: { [self] pid in
                // The fork server died; the attempt's process lives on: watch it like an orphan.
                adopt(spec, pid: pid, callbacks: AttemptCallbacks(started: { _, _ in }, finished: callbacks.finished))
            })
        return server.launch(spec, handlers: handlers)
    }

    /// Watches an attempt whose process outlived the scheduler that started it: waits for its
    /// lock to be released, then reads the result it left.
    public func adopt(_ spec: AttemptSpec, pid: Int32?, callbacks: AttemptCallbacks) {
        let watch = ProcessWatch(pid: pid ?? 0, isOurChild: false)
        live.set(spec.lockPath, .process(watch))
        Thread.detachNewThread { [live, lockPath = spec.lockPath, resultPath = spec.resultPath, logPath = spec.logPath,
                                  grace = killGrace] in
            AttemptLock.waitUntilReleased(lockPath)
            // Members of its process group that closed the lock are stopped too before it counts as ended.
            AttemptReaper.awaitQuiet(group: pid ?? 0, lockPath: lockPath, grace: grace)
            watch.finish()
            live.remove(lockPath, .process(watch))
            callbacks.finished(WorkerPool.orphanOutcome(resultPath: resultPath, logPath: logPath))
        }
    }

    /// The outcome of an attempt whose process is gone and was not our child.
    public static func orphanOutcome(resultPath: String, logPath: String) -> AttemptOutcome {
        leftOutcome(resultPath: resultPath) ?? ExecutionTimeout.unwatchedFailure
    }

    /// What an attempt that is gone left in its result file, or nil when it left nothing.
    public static func leftOutcome(resultPath: String) -> AttemptOutcome? {
        guard let result = AttemptResultFile.read(from: resultPath) else { return nil }
        switch result.status {
        case .success: return .success
        case .skipped: return .skipped(reason: result.error ?? "")
        case .failed: return .failed(exitCode: nil, error: result.error ?? "failed")
        }
    }

    static func outcome(exit: ChildExit, resultPath: String, logPath: String) -> AttemptOutcome {
        // A success says all there is in its exit code: the result file is read only for the other ends.
        if exit == .exited(0) { return .success }
        let result = AttemptResultFile.read(from: resultPath)
        // A failure while the log disk is full says so (the log itself may hold nothing useful).
        let diskNote = exit == .exited(AttemptResultFile.skipExitCode) ? nil : logDiskFullNote(logPath: logPath)
        switch exit {
        case .exited(AttemptResultFile.skipExitCode):
            return .skipped(reason: result?.error ?? "")
        case .exited(let code):
            return .failed(exitCode: result?.exitCode ?? code,
                           error: diskNote ?? result?.error ?? lastLine(of: logPath) ?? "exited with code \(code)")
        case .signaled(let sig):
            return .crashed(signal: sig, error: diskNote ?? lastLine(of: logPath) ?? "no output")
        }
    }

    /// In the bundle's task host: an in-process attempt whose Swift task runs in that process. Reported started
    /// once the host is up, right before it is sent; ended when the host says so (or dies); stopped by cancelling
    /// it there.
    private func launchHosted(_ given: AttemptSpec, host: TaskHostClient, callbacks: AttemptCallbacks) {
        let spec = routingXCom(given, host: true)
        let attempt = InProcessAttempt(logger: FileTaskLogger(path: spec.logPath), finished: callbacks.finished)
        attempt.onEnd = { [live] in live.remove(spec.lockPath, .inProcess(attempt)) }
        live.set(spec.lockPath, .inProcess(attempt))   // the engine may stop it from now on
        if host.launchesWithoutWaiting { return Self.send(spec, attempt, to: host, callbacks: callbacks) }
        // The host must start first (after it retired for idleness, or died): 10-50 ms, up to 10 s for one that
        // never answers. Not on the caller's thread, which is the engine's: its other runs go on meanwhile.
        Thread.detachNewThread { Self.send(spec, attempt, to: host, callbacks: callbacks) }
    }

    /// Starts the host if need be, then sends it the attempt; the attempt is reported started once its host is up
    /// (before it is sent: a no-op can end before `launch` returns). The engine stops only started attempts (their
    /// timeouts count from `started`): a stop that comes while the attempt is being sent cancels it in the host.
    private static func send(_ spec: AttemptSpec, _ attempt: InProcessAttempt, to host: TaskHostClient,
                             callbacks: AttemptCallbacks) {
        let failure = "the bundle's task host (\(spec.dagId)) could not be started or reached"
        guard let pid = host.start() else { return attempt.end(.failed(exitCode: nil, error: failure)) }
        callbacks.started(pid, nil)
        guard let id = host.launch(spec, finished: { attempt.end($0) }) else {
            return attempt.end(.failed(exitCode: nil, error: failure))
        }
        attempt.whenStopped { host.cancel(id) }
    }

    private func launchInProcess(_ spec: AttemptSpec, task: TaskSpec, callbacks: AttemptCallbacks) {
        let xcom = runXCom(spec.runPk)
        let logger = FileTaskLogger(path: spec.logPath)
        let attempt = InProcessAttempt(logger: logger, finished: callbacks.finished)
        attempt.onEnd = { [live] in live.remove(spec.lockPath, .inProcess(attempt)) }
        live.set(spec.lockPath, .inProcess(attempt))
        callbacks.started(getpid(), nil)
        attempt.task = Task.detached {
            let context = TaskExecutor.context(spec, logger: logger, xcom: xcom)
            attempt.end(await TaskExecutor.run(task: task, context: context, spec: spec))
        }
    }
}

/// Hands the watch created when a forked attempt starts to the callback that sees it exit.
final class WatchBox: @unchecked Sendable {
    private let lock = NSLock()
    private var watch: ProcessWatch?
    func set(_ w: ProcessWatch) { lock.withLock { watch = w } }
    func get() -> ProcessWatch? { lock.withLock { watch } }
}

/// Shared between an attempt's waiter thread and whoever stops it.
final class ProcessWatch: @unchecked Sendable {
    let pid: Int32
    private let lock = NSLock()
    private var running = true
    /// True while the leader is a child of this process (or of its fork server) not yet reaped: its pid is
    /// then certainly still its own.
    private var unreaped: Bool

    init(pid: Int32, isOurChild: Bool) {
        self.pid = pid
        unreaped = isOurChild
    }

    /// Not yet reported ended.
    var isRunning: Bool { lock.withLock { running } }

    var leaderIsUnreapedChild: Bool { lock.withLock { unreaped } }

    func leaderReaped() { lock.withLock { unreaped = false } }

    /// Marks the process ended (nothing is signalled after this).
    func finish() { lock.withLock { running = false } }
}

/// The last non-empty line of a log, as an error summary (at most 500 characters).
func lastLine(of path: String) -> String? {
    guard let h = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? h.close() }
    let size = (try? h.seekToEnd()) ?? 0
    let start = size > 4096 ? size - 4096 : 0
    try? h.seek(toOffset: start)
    guard let data = try? h.readToEnd() else { return nil }
    let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init)
    return line.map { String($0.prefix(500)) }
}
