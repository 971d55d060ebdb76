#if canImport(Glibc)
import Glibc
#endif
import CAttemptGuardian
import CProcessControl
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
///
/// The stop runs in the signal handler itself (C, CAttemptGuardian: async-signal-safe system calls on static
/// buffers), on whichever thread the signal lands, so the leader starts no thread of its own: a waiting thread
/// per attempt was 7 % of a forked no-op attempt's CPU and a sixth of the process chain's hop (docs/performance.md).
/// The thread the handler interrupts stays paused until the process dies.
public enum AttemptGuardian {
    /// Becomes the subreaper and installs the stop handler. Call once, before the task starts any process.
    public static func install(grace: Double, log: (String) -> Void) {
        if orch_set_child_subreaper() != 0 { log("cannot become the subreaper of the task's processes: \(errnoText())") }
        orch_guardian_install(grace.isFinite ? Int(min(max(0, grace), 1e9) * 1000) : 0)
    }

    /// At the end of the attempt: ends whatever the task left running and returns how many processes that was.
    /// When a stop signal arrives, the process ends by it instead, and this never returns.
    public static func finish() -> Int {
        Int(orch_guardian_finish())
    }
}
