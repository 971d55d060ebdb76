#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation
import OrchCore

/// Runs one task body in the current process and says how it ended. Used by the child process
/// (`orch tasks run`), by in-process attempts and by `orch tasks test`.
public enum TaskExecutor {
    public static func run(task: TaskSpec, context: TaskContext, spec: AttemptSpec) async -> AttemptOutcome {
        switch task.action {
        case .swift(let body):
            do {
                try await body(context)
                try await AssetCheckRunner.run(task.checks, context: context)   // asset checks (issue 14)
                return .success
            } catch let skip as TaskSkip {
                return .skipped(reason: skip.reason)
            } catch is CancellationError {
                return .failed(exitCode: nil, error: "cancelled")
            } catch {
                return .failed(exitCode: nil, error: "\(error)")
            }
        case .shell(let command):
            let params = JSONValue.object(spec.params).jsonText
            let file = ParamsFile.path(for: spec)
            do { try ParamsFile.write(params, to: file) } catch {
                return .failed(exitCode: nil, error: "cannot write the params file \(file): \(error)")
            }
            defer { unlink(file) }
            let outcome = runShell(command, environment: shellEnvironment(spec, paramsJSON: params, paramsFile: file))
            guard outcome.isSuccess, !task.checks.isEmpty else { return outcome }
            do { try await AssetCheckRunner.run(task.checks, context: context) } catch {   // asset checks (issue 14)
                return .failed(exitCode: nil, error: "cannot record an asset check result: \(error)")
            }
            return outcome
        }
    }

    /// `/bin/sh -c command`, inheriting stdout, stderr and the attempt's lock (fd 3), nothing else; the exit
    /// code decides. The shell starts with no signal blocked and default dispositions: the calling thread (a
    /// Swift concurrency thread) blocks most signals, and a shell inheriting that mask hangs in `wait` (SIGCHLD
    /// never arrives) and cannot be stopped by SIGTERM.
    static func runShell(_ command: String, environment: [String: String]) -> AttemptOutcome {
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        orch_spawn_close_from(&actions, 4)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGTERM, SIGINT, SIGCHLD] { sigaddset(&defaults, sig) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &noMask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp)
        guard rc == 0 else { return .failed(exitCode: nil, error: "cannot start /bin/sh: \(String(cString: strerror(rc)))") }
        switch ChildProcess.wait(pid) {
        case .exited(0): return .success
        case .exited(let code): return .failed(exitCode: code, error: "command exited with code \(code)")
        case .signaled(let sig): return .crashed(signal: sig, error: "command killed")
        }
    }

    /// ORCH_PARAMS is set only when the params' JSON is at most this many bytes: one environment variable may
    /// not exceed 128 KiB (MAX_ARG_STRLEN), and a bigger one would make every command fail to start.
    /// ORCH_PARAMS_FILE (a file holding the same JSON) is always set.
    public static let paramsEnvironmentLimit = 65_536

    /// The environment a shell task sees: ordinary variables (`TaskEnvironment`), those its DAG asked for,
    /// and ORCH_* variables describing the attempt.
    public static func shellEnvironment(_ spec: AttemptSpec, paramsJSON: String, paramsFile: String) -> [String: String] {
        var env = TaskEnvironment.base(ProcessInfo.processInfo.environment)
        for (key, value) in spec.environment { env[key] = value }
        env["ORCH_DAG_ID"] = spec.dagId
        env["ORCH_TASK_ID"] = spec.taskId
        env["ORCH_RUN_ID"] = spec.runId
        env["ORCH_TRY_NUMBER"] = String(spec.tryNumber)
        env["ORCH_LOGICAL_DATE"] = isoDate(spec.logicalDate)
        env["ORCH_DS"] = String(isoDate(spec.logicalDate).prefix(10))
        env["ORCH_INTERVAL_START"] = isoDate(spec.dataInterval.start)
        env["ORCH_INTERVAL_END"] = isoDate(spec.dataInterval.end)
        env["ORCH_PARAMS_FILE"] = paramsFile
        if paramsJSON.utf8.count <= paramsEnvironmentLimit { env["ORCH_PARAMS"] = paramsJSON }
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
