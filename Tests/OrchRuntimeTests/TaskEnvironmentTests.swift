import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// Which variables reach a task (issue 11, defect 2) and how params reach a shell task (defect 6).
@Suite struct TaskEnvironmentTests {
    let host = ["PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8", "LC_TIME": "de_DE", "TZ": "UTC",
                "ORCH_API_TOKEN": "t", "ORCH_ALERT_SECRET": "s", "ORCH_ALERT_WEBHOOKS": "https://h/x",
                "ORCH_WAREHOUSE_DSN": "postgresql://u:pw@h/db", "PGHOST": "db", "PGPASSWORD": "pw",
                "AWS_SECRET_ACCESS_KEY": "k", "ORCH_WORKER_SLOTS": "4", AttemptSpec.environmentKey: "{}"]

    @Test func everyTaskGetsOrdinaryVariablesOnly() {
        #expect(TaskEnvironment.base(host) == ["PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8",
                                                "LC_TIME": "de_DE", "TZ": "UTC"])
    }

    @Test func aDAGGetsWhatItAsksForByNameOrPrefix() {
        #expect(TaskEnvironment.requested(["ORCH_WAREHOUSE_DSN", "PG*"], from: host)
            == ["ORCH_WAREHOUSE_DSN": "postgresql://u:pw@h/db", "PGHOST": "db", "PGPASSWORD": "pw"])
        #expect(TaskEnvironment.requested([], from: host).isEmpty)
        #expect(TaskEnvironment.requested(["NOT_SET"], from: host).isEmpty)
    }

    @Test(arguments: ["ORCH_API_TOKEN", "ORCH_ALERT_SECRET", "ORCH_ALERT_WEBHOOKS", "ORCH_*", "*", AttemptSpec.environmentKey])
    func orchsOwnSecretsAreNeverPassedEvenWhenAsked(_ name: String) {
        let got = TaskEnvironment.requested([name], from: host)
        // A literal list, not the code's own set: a name dropped from that set must fail here.
        for secret in ["ORCH_API_TOKEN", "ORCH_ALERT_SECRET", "ORCH_ALERT_WEBHOOKS"] { #expect(got[secret] == nil) }
        #expect(got[AttemptSpec.environmentKey] == nil)
    }

    private func spec(params: [String: JSONValue], environment: [String: String] = [:]) -> AttemptSpec {
        AttemptSpec(dagId: "d", taskId: "t", runId: "r", runPk: 1, tryNumber: 1, logicalDate: .utc(2026, 11, 1),
                    dataInterval: DataInterval(start: .utc(2026, 11, 1), end: .utc(2026, 11, 2)), params: params,
                    logPath: "/h/logs/d/r/t/1.log", home: "/h", databasePath: "/h/orch.db", environment: environment)
    }

    @Test func aShellTaskGetsItsParamsInAFileAndInORCH_PARAMSWhenSmall() {
        let small = spec(params: ["n": 1], environment: ["PGHOST": "db"])
        let env = TaskExecutor.shellEnvironment(small, paramsJSON: #"{"n":1}"#, paramsFile: "/h/p.json")
        #expect(env["ORCH_PARAMS"] == #"{"n":1}"#)
        #expect(env["ORCH_PARAMS_FILE"] == "/h/p.json")
        #expect(env["PGHOST"] == "db")
        #expect(env["ORCH_RUN_ID"] == "r" && env["ORCH_TRY_NUMBER"] == "1" && env["ORCH_HOME"] == "/h")
        #expect(env[AttemptSpec.environmentKey] == nil)
    }

    /// One environment variable may not exceed 128 KiB: a larger ORCH_PARAMS would stop /bin/sh from starting.
    @Test func largeParamsComeOnlyThroughTheFile() {
        let blob = String(repeating: "x", count: 200 * 1024)
        let json = JSONValue.object(["blob": .string(blob)]).jsonText
        let env = TaskExecutor.shellEnvironment(spec(params: ["blob": .string(blob)]), paramsJSON: json, paramsFile: "/h/p.json")
        #expect(env["ORCH_PARAMS"] == nil)
        #expect(env["ORCH_PARAMS_FILE"] == "/h/p.json")
        #expect(env.values.allSatisfy { $0.utf8.count < 128 * 1024 })
    }

    /// A real shell task with 200 KiB of params, run in this process: it starts, and reads them from the file.
    @Test func aShellTaskRunsWith200KiBOfParams() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-params-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let blob = String(repeating: "y", count: 200 * 1024)
        var s = spec(params: ["blob": .string(blob)])
        s.logPath = dir.appendingPathComponent("1.log").path
        let out = dir.appendingPathComponent("seen").path
        let task = TaskSpec(id: "t", action: .shell("wc -c < \"$ORCH_PARAMS_FILE\" > '\(out)'; ls -l \"$ORCH_PARAMS_FILE\" | cut -c1-10 >> '\(out)'"))
        let context = TaskExecutor.context(s, logger: MemoryLogger(), xcom: MemoryXCom())
        let outcome = await TaskExecutor.run(task: task, context: context, spec: s)
        #expect(outcome == .success)
        let seen = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(seen.first == String(JSONValue.object(["blob": .string(blob)]).jsonText.utf8.count))
        #expect(seen.last == "-rw-------")
        #expect(!FileManager.default.fileExists(atPath: ParamsFile.path(for: s)), "the params file is removed when the command ends")
    }

    /// A shell task gets stdin/stdout/stderr and the attempt's lock (fd 3), no other descriptor of the process
    /// that starts it. (Its signal mask is checked end to end in `CLIRuntimeHardeningTests`, where the attempt
    /// process's threads block signals; this test process's threads do not.)
    @Test func aShellTaskGetsOnlyItsDescriptors() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-sig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Inheritable (no O_CLOEXEC), like a stray descriptor of the scheduler; moved above 3, which is the lock
        // descriptor the shell is meant to get (a fresh test process may hand out 3 itself).
        let opened = open("/dev/null", O_RDONLY)
        let leak = fcntl(opened, F_DUPFD, 10)
        close(opened)
        defer { close(leak) }
        var s = spec(params: [:])
        s.logPath = dir.appendingPathComponent("1.log").path
        let out = dir.appendingPathComponent("status").path
        let task = TaskSpec(id: "t", action: .shell("""
            : > '\(out)'
            if [ -e /proc/$$/fd/\(leak) ]; then echo leaked >> '\(out)'; fi
            """))
        let context = TaskExecutor.context(s, logger: MemoryLogger(), xcom: MemoryXCom())
        #expect(await TaskExecutor.run(task: task, context: context, spec: s) == .success)
        let status = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!status.contains("leaked"), "descriptor \(leak) of this process reached the shell")
    }

    /// The shell starts with no signal blocked and SIGTERM/SIGCHLD/SIGPIPE at their defaults, whatever the mask
    /// of the thread that starts it (an attempt process's Swift threads block signals; a shell inheriting that
    /// mask hangs in `wait`, SIGCHLD never arriving, and a timeout's SIGTERM stays pending).
    @Test func aShellStartsWithNoSignalBlockedWhateverItsStartersMask() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-mask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("signals").path
        let done = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        Thread.detachNewThread {
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)   // like a Dispatch worker thread
            signal(SIGPIPE, SIG_IGN)
            outcome.value = TaskExecutor.runShell("grep -E '^Sig(Blk|Ign)' /proc/self/status > '\(out)'",
                                                  environment: ["PATH": "/usr/bin:/bin"])
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(outcome.value == .success)
        let status = try String(contentsOfFile: out, encoding: .utf8)
        #expect(status.contains("SigBlk:\t0000000000000000"), "\(status)")
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? ~0
        for sig in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE] { #expect(ignored & (1 << UInt64(sig - 1)) == 0, "signal \(sig) ignored") }
    }
}

final class OutcomeBox: @unchecked Sendable {
    var value: AttemptOutcome?
}

final class MemoryLogger: TaskLogger, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func log(_ message: String) { lock.withLock { lines.append(message) } }
}
