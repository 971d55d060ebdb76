/// The state of one task in one run, as Airflow names them.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    case none, scheduled, queued, running, success, failed
    case upForRetry = "up_for_retry"
    case upstreamFailed = "upstream_failed"
    case skipped, removed
    /// An asset this task reads failed an error-severity check in this run (issue 14); the check is the error.
    case blockedByCheck = "blocked_by_check"

    /// A state the task will not leave unless a user clears it.
    public var isFinished: Bool {
        switch self {
        case .success, .failed, .upstreamFailed, .skipped, .removed, .blockedByCheck: return true
        default: return false
        }
    }

    /// Ended without running to success because of a failure: failed, upstream_failed or blocked_by_check (what
    /// "clear the failed tasks" clears).
    public var isFailure: Bool { self == .failed || self == .upstreamFailed || self == .blockedByCheck }

    /// Holding a worker slot (or about to).
    public var isActive: Bool { self == .queued || self == .running }
}

/// The state of a DAG run.
public enum RunState: String, Sendable, Codable, CaseIterable {
    case queued, running, success, failed
    public var isFinished: Bool { self == .success || self == .failed }
}

/// Why a run exists.
public enum RunType: String, Sendable, Codable, CaseIterable {
    case scheduled, manual, backfill
}

/// How one attempt ended.
public enum AttemptOutcome: Sendable, Hashable, Codable {
    case success
    /// The task returned an error or exited non-zero.
    case failed(exitCode: Int32?, error: String)
    /// The process died by a signal it did not choose (SIGSEGV, SIGKILL from the OOM killer, ...).
    case crashed(signal: Int32, error: String)
    /// The execution timeout was reached and the attempt was killed.
    case timedOut(seconds: Double)
    /// The attempt was skipped on purpose (the task threw `TaskSkip`).
    case skipped(reason: String)

    public var isSuccess: Bool { if case .success = self { return true }; return false }

    public var summary: String {
        switch self {
        case .success: return "success"
        case .failed(let code, let error):
            if !error.isEmpty { return error }
            return "exit code \(code.map(String.init) ?? "?")"
        case .crashed(let signal, let error): return "killed by signal \(signal) (\(signalName(signal))): \(error)"
        case .timedOut(let s): return "timed out after \(formatSeconds(s)) and was killed"
        case .skipped(let reason): return "skipped: \(reason)"
        }
    }
}

public func signalName(_ signal: Int32) -> String {
    switch signal {
    case 1: return "SIGHUP"
    case 2: return "SIGINT"
    case 4: return "SIGILL"
    case 6: return "SIGABRT"
    case 7: return "SIGBUS"
    case 8: return "SIGFPE"
    case 9: return "SIGKILL"
    case 11: return "SIGSEGV"
    case 13: return "SIGPIPE"
    case 15: return "SIGTERM"
    case 24: return "SIGXCPU"
    case 25: return "SIGXFSZ"
    default: return "signal \(signal)"
    }
}

func formatSeconds(_ s: Double) -> String {
    s.rounded() == s ? "\(Int(s)) s" : String(format: "%.2f s", s)
}
