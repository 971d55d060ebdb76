#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// Runs one task body in the current process and says how it ended. Used by the child process
/// (`orch tasks run`), by in-process attempts and by `orch tasks test`.
public enum TaskExecutor {
    public static func run(task: TaskSpec, context: TaskContext, shellEnvironment: [String: String]) async -> AttemptOutcome {
        switch task.action {
        case .swift(let body):
            do {
                try await body(context)
                return .success
            } catch let skip as TaskSkip {
                return .skipped(reason: skip.reason)
            } catch is CancellationError {
                return .failed(exitCode: nil, error: "cancelled")
            } catch {
                return .failed(exitCode: nil, error: "\(error)")
            }
        case .shell(let command):
            return runShell(command, environment: shellEnvironment)
        }
    }

    /// `/bin/sh -c command`, inheriting stdout and stderr; the exit code decides.
    static func runShell(_ command: String, environment: [String: String]) -> AttemptOutcome {
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, envp)
        guard rc == 0 else { return .failed(exitCode: nil, error: "cannot start /bin/sh: \(String(cString: strerror(rc)))") }
        switch ChildProcess.wait(pid) {
        case .exited(0): return .success
        case .exited(let code): return .failed(exitCode: code, error: "command exited with code \(code)")
        case .signaled(let sig): return .crashed(signal: sig, error: "command killed")
        }
    }

    /// The environment a shell task sees: the worker's, plus ORCH_* variables describing the attempt.
    public static func shellEnvironment(_ spec: AttemptSpec) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: AttemptSpec.environmentKey)
        env["ORCH_DAG_ID"] = spec.dagId
        env["ORCH_TASK_ID"] = spec.taskId
        env["ORCH_RUN_ID"] = spec.runId
        env["ORCH_TRY_NUMBER"] = String(spec.tryNumber)
        env["ORCH_LOGICAL_DATE"] = isoDate(spec.logicalDate)
        env["ORCH_DS"] = String(isoDate(spec.logicalDate).prefix(10))
        env["ORCH_INTERVAL_START"] = isoDate(spec.dataInterval.start)
        env["ORCH_INTERVAL_END"] = isoDate(spec.dataInterval.end)
        env["ORCH_PARAMS"] = JSONValue.object(spec.params).jsonText
        env["ORCH_HOME"] = spec.home
        return env
    }

    public static func context(_ spec: AttemptSpec, logger: TaskLogger, xcom: XComAccess) -> TaskContext {
        TaskContext(dagId: spec.dagId, taskId: spec.taskId, runId: spec.runId, logicalDate: spec.logicalDate,
                    dataInterval: spec.dataInterval, params: spec.params, tryNumber: spec.tryNumber, home: spec.home,
                    logger: logger, xcom: xcom)
    }
}

func isoDate(_ d: Date) -> String { UTCFormat.iso(d) }
