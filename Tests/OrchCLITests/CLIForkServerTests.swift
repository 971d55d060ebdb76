#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// A real bundle's fork server (`orch-test-dags __fork-server`) driven over its pipes as the worker pool drives it:
/// a child reports its attempt's end itself, after its task, its guardian, its log and its result and before its
/// exit, so the pool can act on it while the kernel takes the child down; a child that dies without reporting is
/// told only when it is reaped.
@Suite struct CLIForkServerTests {
    /// `reliability_guardian.background` leaves a `sleep` running and succeeds: `ended <pid> 0` comes before
    /// `exited <pid> 0 0`, and by then the sleep is gone, the result file says success and the log has its end.
    @Test func aChildReportsItsEndAfterItsGuardianAndResultAndBeforeItIsReaped() throws {
        let server = try ForkServerUnderTest()
        defer { server.stop() }
        let (spec, pid) = try server.start(dag: "reliability_guardian", task: "background")
        #expect(try server.nextEvent() == .ended(pid: pid, exitCode: 0))
        let sleepPid = try #require(Int32(try String(contentsOfFile: server.home + "/background-manual__fs.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processIsAlive(sleepPid), "the sleep the task left was alive when its attempt reported its end")
        #expect(AttemptResultFile.read(from: spec.resultPath)?.status == .success)
        let log = try String(contentsOfFile: spec.logPath, encoding: .utf8)
        #expect(log.contains("stopped 1 process(es) the task left running") && log.hasSuffix("success\n"), "\(log)")
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: 0, signal: 0))
    }

    /// A skipped task's end carries the skip's exit code, as its exit does.
    @Test func aSkippedTasksEndCarriesTheSkipCode() throws {
        let server = try ForkServerUnderTest()
        defer { server.stop() }
        let (_, pid) = try server.start(dag: "test_task_host", task: "skipped")
        #expect(try server.nextEvent() == .ended(pid: pid, exitCode: AttemptResultFile.skipExitCode))
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: AttemptResultFile.skipExitCode, signal: 0))
    }

    /// An attempt of a task the bundle does not have (orch's manifest and the executable disagree): the server,
    /// which looks the task up before it forks, still forks a child, whose result file says so and which ends 1.
    @Test func anAttemptOfATaskTheBundleLacksEndsWithAResultThatSaysSo() throws {
        let server = try ForkServerUnderTest()
        defer { server.stop() }
        let (spec, pid) = try server.start(dag: "test_task_host", task: "no_such_task")
        #expect(try server.nextEvent() == .ended(pid: pid, exitCode: 1))
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: 1, signal: 0))
        let result = AttemptResultFile.read(from: spec.resultPath)
        #expect(result?.status == .failed)
        #expect(result?.error == "task test_task_host.no_such_task is not in this bundle executable")
    }

    /// A child killed while its task runs reports nothing: only its exit, by the signal, is told.
    @Test func aChildKilledBeforeItsEndIsToldOnlyWhenReaped() throws {
        let server = try ForkServerUnderTest()
        defer { server.stop() }
        let (spec, pid) = try server.start(dag: "reliability_guardian", task: "stopped")
        let deadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOfFile: spec.logPath, encoding: .utf8))?.contains("waiting past the timeout") ?? false) {
            try #require(Date() < deadline, "the task never logged its start")
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: -1, signal: SIGKILL))
    }

    /// A server given the pool's pipe (as the pool starts it) leaves its children's end reports to the pool: the
    /// report comes on that pipe, and the server's own lines are the child's start and its exit, no `ended`.
    @Test func aChildGivenThePoolsPipeReportsItsEndThereAndTheServerTellsOnlyItsExit() throws {
        let reports = try #require(AttemptEndReport.Channel.forPool())
        defer { close(reports.readFD) }
        let server = try ForkServerUnderTest(reports: reports)
        close(reports.writeFD)   // the server's copy, and its children's, are the writers now
        defer { server.stop() }
        let (_, pid) = try server.start(dag: "test_task_host", task: "skipped")
        var p = pollfd(fd: reports.readFD, events: Int16(POLLIN), revents: 0)
        try #require(poll(&p, 1, 30_000) == 1, "no report on the pool's pipe")
        #expect(reports.readReports() == [AttemptEndReport.End(pid: pid, exitCode: AttemptResultFile.skipExitCode)])
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: AttemptResultFile.skipExitCode, signal: 0))
    }

    /// The server warms up, before its first fork, the executor its children run their attempts on
    /// (`CallingThreadExecutor`, a task run on the server's own thread). That must start no thread: a child of a
    /// process that made Dispatch multi-threaded cannot use it. With its code copies switched off the server is one
    /// thread after `ready` and after an attempt, and a child that uses the global executor (a detached task, a
    /// sleep) succeeds.
    @Test func theServersWarmUpStartsNoThreadAndItsChildrenUseTheGlobalExecutor() throws {
        let server = try ForkServerUnderTest(environment: [HugePageCode.switchKey: "0"])
        defer { server.stop() }
        // Required: a child of a server that did start one may hang on its first use of Dispatch, and so the server.
        try #require(try server.threadCount() == 1)
        let (spec, pid) = try server.start(dag: "test_fork_server", task: "global_executor")
        #expect(try server.nextEvent() == .ended(pid: pid, exitCode: 0))
        #expect(try server.nextEvent() == .exited(pid: pid, exitCode: 0, signal: 0))
        #expect(AttemptResultFile.read(from: spec.resultPath)?.status == .success)
        let log = try String(contentsOfFile: spec.logPath, encoding: .utf8)
        #expect(log.contains("a detached task ran in process \(pid)"), "\(log)")
        #expect(try server.threadCount() == 1)
    }

    /// The server copies its executable's code, 2 MiB pieces for huge pages (HugePageCode), on a thread of its own
    /// from its start and puts each copy in place between requests, without a fork to wait for: every whole piece
    /// is moved soon after `ready`, and children forked while it copies and after it has run as before (a child
    /// given a copy not in place, or not given one in place, would crash on its first instruction there). With
    /// ORCH_FORK_SERVER_HUGE_PAGES=0, or a kernel without transparent huge pages, nothing moves.
    @Test func theServerMovesItsCodeIntoHugePagesWhileItsChildrenRunAsBefore() throws {
        for switchedOff in [false, true] {
            let server = try ForkServerUnderTest(environment: switchedOff ? [HugePageCode.switchKey: "0"] : [:])
            defer { server.stop() }
            try server.runSkippedAttempts(3)   // while the copies are made
            let code = try server.codeRange()
            let size = HugePageCode.systemPieceSize()
            let pieces = UInt(HugePageCode.pieces(start: code.start, end: code.end, size: size).count)
            #expect(pieces >= 2 || size > HugePageCode.pieceSize)   // a kernel of 512 MiB huge pages has none here
            let expected = switchedOff || !HugePageCode.systemHugePagesUsable() ? 0 : pieces
            // The debug test bundle's 7.9 MiB of code holds two or three whole aligned pieces, as its load address
            // falls; no request comes while the test waits, so each is put in place on the thread's wake-up alone.
            let deadline = Date().addingTimeInterval(30)
            while try server.movedCodePieces() < expected && Date() < deadline { usleep(20_000) }
            usleep(200_000)   // nothing more moves: switched off, none at all
            #expect(try server.movedCodePieces() == expected, "code \(code)")
            try server.runSkippedAttempts(3)   // after the moves: children inherit the moved code
        }
    }
}

/// `orch-test-dags __fork-server` with its stdin and stdout as pipes, in a home of its own, started as the pool
/// starts it (`HelperProcess`): with `reports`, the write end of the pool's end-report pipe as its fd 3.
private final class ForkServerUnderTest {
    let home: String
    private let server: HelperProcess
    private var pending: [UInt8] = []

    init(environment: [String: String] = [:], reports: AttemptEndReport.Channel? = nil) throws {
        home = NSTemporaryDirectory() + "orch-fork-server-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home + "/logs", withIntermediateDirectories: true)
        var variables = ["ORCH_HOME": home, "PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        if reports != nil { variables[AttemptEndReport.poolPipeKey] = String(HelperProcess.passedFD) }
        let started = HelperProcess.start(String(testBundles.split(separator: ":")[1]), command: "__fork-server",   // orch-test-dags
                                          environment: variables, passing: reports?.writeFD ?? -1,
                                          isReady: { $0.hasPrefix("ready ") })
        guard case .started(let server) = started else {
            Issue.record("the fork server did not start: \(started)")
            throw ForkServerTestFailure()
        }
        self.server = server
    }

    private func spec(dag: String, task: String) -> AttemptSpec {
        let day = Date(timeIntervalSince1970: 1_764_547_200)
        return AttemptSpec(dagId: dag, taskId: task, runId: "manual__fs", runPk: 1, tryNumber: 1, logicalDate: day,
                           dataInterval: DataInterval(start: day, end: day), params: [:],
                           logPath: "\(home)/logs/\(task).1.log", home: home, databasePath: "\(home)/orch.db")
    }

    /// Sends the task's attempt as a whole request (protocol version 1, which every server reads) and waits for its
    /// `started`: its spec and its child's pid.
    func start(dag: String, task: String) throws -> (AttemptSpec, Int32) {
        let spec = spec(dag: dag, task: task)
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        _ = writeAll(server.requestFD, Array("{\"id\": 1, \"spec\": \(json)}\n".utf8))
        let event = try nextEvent()
        guard case .started(1, let pid) = event else {
            Issue.record("expected `started 1`, got \(event)")
            throw ForkServerTestFailure()
        }
        return (spec, pid)
    }

    /// Runs `count` attempts of test_task_host's `skipped`, one after the other, each to its end and its reaping.
    func runSkippedAttempts(_ count: Int) throws {
        for _ in 0..<count {
            let (spec, pid) = try start(dag: "test_task_host", task: "skipped")
            #expect(try nextEvent() == .ended(pid: pid, exitCode: AttemptResultFile.skipExitCode))
            #expect(try nextEvent() == .exited(pid: pid, exitCode: AttemptResultFile.skipExitCode, signal: 0))
            #expect(AttemptResultFile.read(from: spec.resultPath)?.status == .skipped)
        }
    }

    /// The server's threads, from /proc.
    func threadCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.pid)/task").count
    }

    /// The server's executable areas: bounds, and whether anonymous (a moved piece) or its executable's file.
    private func codeAreas() throws -> [(start: UInt, end: UInt, anonymous: Bool)] {
        let maps = try procFile("/proc/\(server.pid)/maps")
        return maps.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let bounds = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
            guard fields.count >= 5, fields[1] == "r-xp", bounds.count == 2 else { return nil }
            if fields.count == 5 && fields[4] == "0" { return (bounds[0], bounds[1], true) }
            return fields.last?.hasSuffix("/orch-test-dags") == true ? (bounds[0], bounds[1], false) : nil
        }
    }

    /// How many huge pages of code the server moved: its anonymous executable memory, in pieces (the kernel may
    /// merge neighbouring moved pieces into one area).
    func movedCodePieces() throws -> UInt {
        try codeAreas().filter(\.anonymous).reduce(0) { $0 + $1.end - $1.start } / HugePageCode.systemPieceSize()
    }

    /// The executable's code, moved pieces included.
    func codeRange() throws -> (start: UInt, end: UInt) {
        let areas = try codeAreas()
        return (areas.map(\.start).min() ?? 0, areas.map(\.end).max() ?? 0)
    }

    func nextEvent() throws -> ForkServerProtocol.Event {
        let line = try nextLine()
        guard let event = ForkServerProtocol.Event.parse(Substring(line)) else {
            Issue.record("not an event: \(line)")
            throw ForkServerTestFailure()
        }
        return event
    }

    /// The server's next line, waiting at most 30 s.
    func nextLine() throws -> String {
        let fd = server.eventFD
        let deadline = Date().addingTimeInterval(30)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard Date() < deadline, poll(&p, 1, 1_000) >= 0 else { throw ForkServerTestFailure() }
            var buffer = [UInt8](repeating: 0, count: 4_096)
            if p.revents != 0 {
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { throw ForkServerTestFailure() }   // the server closed its output
                pending += buffer[0..<n]
            }
        }
    }

    func stop() {
        close(server.requestFD)   // the server reports its children's exits, then leaves
        var status: Int32 = 0
        waitpid(server.pid, &status, 0)
        close(server.eventFD)
        try? FileManager.default.removeItem(atPath: home)
    }
}

private struct ForkServerTestFailure: Error {}
