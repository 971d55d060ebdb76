#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation
import OrchStore

/// The attempt process's hold over everything its task starts (used by `orch tasks run` and the fork server's
/// children; the process that runs one attempt is the "leader").
///
/// The leader makes itself the subreaper of its descendants, so a process that leaves the process group or the
/// session (`setsid`), or whose parent dies, is re-parented to the leader instead of to init: while the leader
/// lives, every process of the attempt is below it. The leader then never dies before them:
/// - SIGTERM or SIGINT (a timeout, a stop) is caught: every descendant gets SIGTERM, after `grace` seconds the
///   survivors get SIGKILL, all are reaped, and only then does the leader die of the signal it received;
/// - when the task ends by itself, whatever it left running (a background job) is ended the same way before
///   the leader exits.
/// So when the leader is gone, nothing of the attempt remains, unless the leader itself was SIGKILLed from
/// outside; the supervisor (`AttemptReaper`) covers that case.
public enum AttemptGuardian {
    nonisolated(unsafe) static var wakeFD: Int32 = -1
    /// The signal that asked the attempt to stop (0: none). Written by the signal handler.
    nonisolated(unsafe) static var stopSignal: Int32 = 0

    /// Becomes the subreaper and installs the stop handler. Call once, before the task starts any process.
    public static func install(grace: Double, log: @escaping @Sendable (String) -> Void) {
        if orch_set_child_subreaper() != 0 { log("cannot become the subreaper of the task's processes: \(errnoText())") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeFD = fds[1]
        stopThreadContext = StopThreadContext(readFD: fds[0], grace: grace, log: log)
        // A plain pthread, not Foundation's `Thread`: Thread's set-up (an NSObject with its dictionary) was 8 % of
        // a forked no-op attempt's CPU (perf), for a thread that only waits.
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { _ in AttemptGuardian.stopWhenSignalled(); return nil }, nil)
        guard rc == 0 else {
            log("cannot start the thread that stops the task's processes on SIGTERM: \(String(cString: strerror(rc)))")
            return
        }
        pthread_detach(thread)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            AttemptGuardian.stopSignal = sig
            var b: UInt8 = 1
            _ = write(AttemptGuardian.wakeFD, &b, 1)
        }
        action.sa_flags = SA_RESTART
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    private struct StopThreadContext {
        let readFD: Int32
        let grace: Double
        let log: @Sendable (String) -> Void
    }
    /// What the stop thread needs (set once, before it starts: a C thread function captures nothing).
    nonisolated(unsafe) private static var stopThreadContext: StopThreadContext?

    /// The stop thread: waits for SIGTERM or SIGINT, ends the task's processes, then dies of that signal.
    static func stopWhenSignalled() {
        guard let context = stopThreadContext else { return }
        var byte: UInt8 = 0
        while read(context.readFD, &byte, 1) < 0 && errno == EINTR {}
        let sig = stopSignal == 0 ? SIGTERM : stopSignal
        context.log("received \(signalName(sig)): stopping the task's processes (SIGKILL after \(context.grace) s)")
        let stopped = endDescendants(grace: context.grace)
        context.log("stopped \(stopped) process(es) of the task; ending the attempt by \(signalName(sig))")
        // Die of the signal received, so the supervisor sees how the attempt ended.
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        _exit(128 + sig)
    }

    /// At the end of the attempt: ends whatever the task left running and returns how many processes that was.
    /// When a stop signal arrived, the stop thread ends the process instead, and this never returns.
    public static func finish(grace: Double) -> Int {
        while stopSignal != 0 { pause() }
        return endDescendants(grace: grace)
    }

    /// SIGTERM to every descendant, SIGKILL to those alive `grace` seconds later, and reaps them all; returns how
    /// many there were. A subreaper with no child has no descendant left, so the common case reads no /proc.
    public static func endDescendants(grace: Double) -> Int {
        let me = getpid()
        var signalled: Set<Int32> = []
        let deadline = Date().addingTimeInterval(grace)
        while true {
            guard reapChildren() else { return signalled.count }   // no child left: nothing below us
            let living = ProcessTable.snapshot().descendants(of: me)
            let sig = Date() >= deadline ? SIGKILL : SIGTERM
            for pid in living where sig == SIGKILL || !signalled.contains(pid) {
                kill(pid, sig)
                signalled.insert(pid)
            }
            usleep(20_000)
        }
    }

    /// Reaps exited children; returns false when this process has no child at all.
    private static func reapChildren() -> Bool {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 { continue }
            if pid < 0 && errno == EINTR { continue }
            return !(pid < 0 && errno == ECHILD)
        }
    }
}

func signalName(_ sig: Int32) -> String {
    switch sig {
    case SIGTERM: return "SIGTERM"
    case SIGINT: return "SIGINT"
    case SIGKILL: return "SIGKILL"
    default: return "signal \(sig)"
    }
}
