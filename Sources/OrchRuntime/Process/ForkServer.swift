#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation
import OrchStore
import OrchCore

/// The server side of process isolation without exec: a process that has loaded the binary once and forks one
/// child per attempt (a zygote). Forking a warm process costs about a millisecond where starting the binary afresh
/// costs tens; the child is still a separate process with its own log, lock and process group, exactly as with
/// posix_spawn.
///
/// The server is the subreaper of its children's descendants: a process left behind by an attempt whose
/// process died without stopping it (SIGKILL, a crash) is re-parented here, and is killed at once, since its
/// attempt is over.
///
/// A child reports its attempt's end (``AttemptEndReport``) once its task, its log and its result are done and
/// just before it exits, so the pool does not wait for the kernel to take the child's memory down (a fifth of a
/// no-op attempt's hop) before the engine's next step: straight to the pool, on the pipe the pool gave the server,
/// or, to a server given none, to the server, which passes it on as `ended`. `exited` follows when the child is
/// reaped.
///
/// It must never touch Dispatch or Swift concurrency before forking (libdispatch refuses to run in the child of a
/// parent it made multi-threaded), so everything here is plain system calls on one thread. The one other thread is
/// ``HugePageCode``'s copier, a C thread that only copies memory and holds no lock of libc's when the server forks.
public enum ForkServer {
    nonisolated(unsafe) static var wakeWriteFD: Int32 = -1

    /// The fork server starts with every symbol of its executable and libraries bound (LD_BIND_NOW): bound once
    /// there, not lazily in each child (the dynamic linker's lookups were an eighth of a forked no-op attempt's
    /// CPU); and with the scheduler's ORCH_FORK_SERVER_HUGE_PAGES when set (``HugePageCode``). `serve` removes
    /// both, so that attempts and what they start do not inherit them.
    static func helperEnvironment(_ scheduler: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var variables = ["LD_BIND_NOW": "1"]
        variables[HugePageCode.switchKey] = scheduler[HugePageCode.switchKey]
        return variables
    }
    static let helperVariables = ["LD_BIND_NOW", HugePageCode.switchKey, AttemptEndReport.poolPipeKey]

    /// Serves requests from stdin until it closes. `prepare` runs in the server before each fork and returns what
    /// the forked child runs, on its main thread (``CallingThreadExecutor``), for its exit code: the server looks
    /// the attempt's task up there (building its DAG the first time, which every later child inherits), and the
    /// child starts with its work in hand instead of looking it up and copying the spec again in pages it shares
    /// with the server (each first write there is a copy-on-write fault).
    public static func serve(prepare: @escaping (AttemptSpec) -> @Sendable () async -> Int32) -> Never {
        let wake = nonBlockingPipe()   // the SIGCHLD handler's wake-up of the poll below
        wakeWriteFD = wake.write
        let poolPipe = getenv(AttemptEndReport.poolPipeKey).map { String(cString: $0) }
        let ends = AttemptEndReport.Channel(poolPipe: poolPipe) ?? AttemptEndReport.Channel()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var b: UInt8 = 1
            _ = write(ForkServer.wakeWriteFD, &b, 1)
        }
        action.sa_flags = SA_RESTART | SA_NOCLDSTOP
        sigaction(SIGCHLD, &action, nil)
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)   // a mask inherited from the spawning thread would hide SIGCHLD
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)   // the pool closes stdin to stop the server; SIGTERM is for attempts
        signal(SIGINT, SIG_IGN)
        _ = orch_set_child_subreaper()
        var code = HugePageCode.ofThisProcess()   // copied on a thread of its own, put in place between requests
        for key in helperVariables { unsetenv(key) }

        warmUp()
        code.prepare(wakeFD: wake.write)   // wakes the poll below after each copy
        send(.ready)
        var input: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: ends.readFD, events: Int16(POLLIN), revents: 0)]
        var stdinOpen = true
        var children: Set<pid_t> = []
        var contexts = TaskHostProtocol.KeptContexts()   // the runs' specs the pool sent once (ForkServerProtocol)
        var sweepUntil = 0   // adopted leftovers are looked for while attempts run and 10 s after one ended
        var lastSweep = 0.0  // ... at most every `sweepInterval` (it reads /proc)
        while stdinOpen || !children.isEmpty {
            fds[0].fd = stdinOpen ? 0 : -1
            let sweeping = !children.isEmpty || time(nil) < sweepUntil
            if poll(&fds, 3, sweeping ? Int32(sweepInterval * 1000) : 1000) < 0 && errno != EINTR { break }
            if fds[1].revents != 0 {
                while read(wake.read, &buffer, buffer.count) > 0 {}
            }
            code.placeReady()
            let reaped = reapExited()
            if reaped.contains(where: { children.contains($0.pid) }) { sweepUntil = time(nil) + 10 }
            let readable = fds[2].revents != 0
            let reports = ChildEnds.mustReadReports(pipeReadable: readable, reaped: reaped) ? ends.readReports() : []
            for event in ChildEnds.events(reports: reports, reaped: reaped, children: &children) { send(event) }
            if (!children.isEmpty || time(nil) < sweepUntil) && monotonicSeconds() - lastSweep >= sweepInterval * 0.9 {
                killAdoptedLeftovers(known: children)
                lastSweep = monotonicSeconds()
            }
            guard stdinOpen, fds[0].revents != 0 else { continue }
            let n = read(0, &buffer, buffer.count)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                stdinOpen = false   // the pool is gone: running attempts carry on; report their exits, then leave
                continue
            }
            input.append(contentsOf: buffer[0..<n])
            while let newline = input.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(input[..<newline])
                input.removeSubrange(...newline)
                if let pid = handle(line, contexts: &contexts, ends: ends, prepare: prepare) {
                    children.insert(pid)
                    code.afterFork()
                }
            }
        }
        exit(0)
    }

    /// A pipe whose ends are both non-blocking and closed on exec; (-1, -1) when none can be made.
    static func nonBlockingPipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (-1, -1) }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        return (fds[0], fds[1])
    }

    /// How often, at most, the server looks for processes it adopted (what an attempt left when it exited).
    static let sweepInterval = 0.1

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs once what every forked attempt would otherwise do first (its log line's time, its result file's JSON,
    /// the executor it runs on, and the `String(format:)` and `Data` from a string's bytes that task code most often
    /// reaches first), so that each child inherits the work: the first dynamic cast of a type to a protocol scans
    /// every conformance record of the process (a millisecond or more), the first run of a call site makes its type
    /// metadata, and a forked child starts with its parent's caches.
    private static func warmUp() {
        _ = String(format: "%d %.6f %ld %x", 1, 1.5, 2, 3)
        _ = Data("warm-up".utf8)
        _ = logTimestamp()
        _ = try? JSONEncoder().encode(AttemptResultFile(status: .success, error: nil))
        _ = try? JSONEncoder().encode(AttemptResultFile(status: .failed, error: "warm-up", exitCode: 1))
        _ = String(describing: AttemptOutcome.success)
        // The executor `handle` runs every child's attempt on, once: the generic metadata `run` and its job queue
        // instantiate (each call site demangles its type on first use) were a sixth of a forked no-op attempt's
        // CPU. Its task runs on this thread; no thread of Swift concurrency or Dispatch is started.
        _ = CallingThreadExecutor.run { Int32(0) }
    }

    /// Reaps every exited child of this process: the server's attempts and adopted leftovers alike.
    private static func reapExited() -> [ChildEnds.Reaped] {
        var reaped: [ChildEnds.Reaped] = []
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return reaped }
            reaped.append(ChildEnds.Reaped(pid: pid, status: status))
        }
    }

    /// SIGKILL to children this server did not fork: processes of attempts whose process is gone.
    private static func killAdoptedLeftovers(known: Set<pid_t>) {
        for pid in ProcessTable.childrenOfThisProcess(except: known) { kill(pid, SIGKILL) }
    }

    /// Forks a child for one request; returns its pid when a child was started.
    private static func handle(_ line: [UInt8], contexts: inout TaskHostProtocol.KeptContexts, ends: AttemptEndReport.Channel,
                               prepare: (AttemptSpec) -> @Sendable () async -> Int32) -> pid_t? {
        guard let request = ForkServerProtocol.Request.decode(line: line) else {
            return nil
        }
        let id: Int, spec: AttemptSpec
        switch contexts.take(request) {
        case .nothing:
            return nil
        case .cancel(let asked):   // the pool stops forked attempts by signal; a bare id has nothing to run
            send(.refused(id: asked, message: "the fork server has no context - for this attempt"))
            return nil
        case .unknownContext(let asked, let context):
            send(.refused(id: asked, message: "the fork server has no context \(context) for this attempt"))
            return nil
        case .run(let asked, let given):
            (id, spec) = (asked, given)
        }
        let work = prepare(spec)
        let logFD = AttemptLogFile.openForAppend(spec.logPath)
        guard logFD >= 0 else {
            send(.refused(id: id, message: "cannot open log \(spec.logPath): \(errnoText())"))
            return nil
        }
        let lockFD = open(spec.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0, flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(logFD)
            if lockFD >= 0 { close(lockFD) }
            send(.refused(id: id, message: "attempt lock \(spec.lockPath) is held: another process still runs this attempt"))
            return nil
        }
        let pid = fork()
        if pid == 0 {
            becomeChild(logFD: logFD, lockFD: lockFD, endFD: ends.writeFD)
            let code = CallingThreadExecutor.run(work)
            // What the task wrote through stdio is flushed; nothing else runs: exit handlers of the server's
            // libraries (inherited, not ours to run) cost a forked attempt about a millisecond.
            fflush(nil)
            signal(SIGPIPE, SIG_IGN)   // a reader gone (a pool killed) fails the report's write, not the child
            AttemptEndReport.send(exitCode: code, to: AttemptEndReport.childFD)
            _exit(code)
        }
        close(logFD)
        close(lockFD)   // the child's copy keeps the lock
        guard pid > 0 else {
            send(.refused(id: id, message: "fork failed: \(errnoText())"))
            return nil
        }
        send(.started(id: id, pid: pid))
        return pid
    }

    /// In the child: own process group, log as stdout/stderr, lock as fd 3, the end report's pipe as fd 4 (closed
    /// on exec: the task's own programs never see it), default signals, nothing else open.
    private static func becomeChild(logFD: Int32, lockFD: Int32, endFD: Int32) {
        setpgid(0, 0)
        let devNull = open("/dev/null", O_RDONLY)
        dup2(devNull, 0)
        dup2(logFD, 1)
        dup2(logFD, 2)
        dup2(lockFD, 3)
        if endFD >= 0 && dup2(endFD, AttemptEndReport.childFD) == AttemptEndReport.childFD {
            _ = fcntl(AttemptEndReport.childFD, F_SETFD, FD_CLOEXEC)
        } else {
            close(AttemptEndReport.childFD)   // no report: the child's end is told when it is reaped
        }
        orch_close_from(AttemptEndReport.childFD + 1)   // every other descriptor, however high
        for sig in [SIGCHLD, SIGPIPE, SIGTERM, SIGINT] { signal(sig, SIG_DFL) }
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
    }

    private static func send(_ event: ForkServerProtocol.Event) {
        _ = writeAll(1, Array(event.line.utf8))
    }
}
