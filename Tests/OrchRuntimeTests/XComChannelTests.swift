#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
@testable import OrchRuntime
import OrchStore
import Testing

/// The XCom channel of task processes (issue 13) on a real SQLite store and real Unix sockets: what a grant
/// allows, and an attempt whose pool is gone reaching another pool of the same home.
@Suite struct XComChannelTests {
    private func server(_ f: EngineFixture) throws -> XComSocketServer {
        try XComSocketServer(home: f.home.root.path) { [store = f.store] runPk in EngineXCom(store: store, runPk: runPk) }
    }

    private func run(_ f: EngineFixture) throws -> Int64 {
        let dag = DAG("x") { d in d.task("a") >> d.task("b") }
        try f.store.syncDAGs([dag], pausedOnCreation: false, now: Date())
        return try f.createRun(dag, day: 1).pk
    }

    @Test func anAttemptPushesAsItselfAndPullsWithinItsRun() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pk = try run(f)
        let server = try server(f)
        let a = SocketXCom(server.endpoint(runPk: pk, taskId: "a"), runPk: pk)
        try a.push(task: "a", key: "return_value", value: .number(21))
        #expect(try f.store.pullXCom(runPk: pk, taskId: "a", key: "return_value") == .number(21))
        let b = SocketXCom(server.endpoint(runPk: pk, taskId: "b"), runPk: pk)
        #expect(try b.pull(task: "a", key: "return_value") == .number(21))
        #expect(try b.pull(task: "a", key: "missing") == nil)
        // Not as another task, not in another run.
        #expect(throws: XComChannelError.self) { try b.push(task: "a", key: "return_value", value: .number(0)) }
        let elsewhere = SocketXCom(server.endpoint(runPk: pk, taskId: "b"), runPk: pk + 1)
        #expect(throws: XComChannelError.self) { _ = try elsewhere.pull(task: "a", key: "return_value") }
        #expect(try f.store.pullXCom(runPk: pk, taskId: "a", key: "return_value") == .number(21))
    }

    @Test func aForgedGrantIsRefusedAndAHostGrantServesAnyRun() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pk = try run(f)
        let server = try server(f)
        var forged = server.endpoint(runPk: pk, taskId: "a")
        forged.grant.taskId = "b"   // the MAC was for "a"
        #expect(throws: XComChannelError.self) { try SocketXCom(forged, runPk: pk).push(task: "b", key: "k", value: .bool(true)) }
        let host = SocketXCom(server.hostEndpoint(), runPk: pk)
        try host.push(task: "b", key: "k", value: .string("from the host"))
        #expect(try f.store.pullXCom(runPk: pk, taskId: "b", key: "k") == .string("from the host"))
    }

    @Test func whenItsPoolIsGoneAnotherPoolOfTheSameHomeAnswers() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pk = try run(f)
        let server = try server(f)
        // A socket left by a scheduler that died: its path is in the attempt's spec, nobody listens there.
        let folder = (server.path as NSString).deletingLastPathComponent
        let dead = (folder as NSString).appendingPathComponent("xcom-999999999.sock")
        var endpoint = server.endpoint(runPk: pk, taskId: "a")
        endpoint.socket = dead
        let xcom = SocketXCom(endpoint, runPk: pk)
        try xcom.push(task: "a", key: "after_restart", value: .number(1))
        #expect(try f.store.pullXCom(runPk: pk, taskId: "a", key: "after_restart") == .number(1))
    }

    /// The scheduler was SIGKILLed and its successor is still starting: a task's XCom call waits for a pool of the
    /// home to answer (the successor adopts the attempt) instead of failing the task in that gap; with none, it
    /// fails once its wait is over.
    @Test func aCallWaitsForAPoolWhileNoneAnswers() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pk = try run(f)
        // The grant of a pool that died (signed with the home's key); no pool of the home listens yet.
        let folder = f.home.root.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let endpoint = LocalXComEndpoint(socket: (folder as NSString).appendingPathComponent("xcom-999999999.sock"),
                                         grant: .signed(runPk: pk, taskId: "a", key: try XComKey.load(home: f.home.root.path)))
        #expect(throws: XComChannelError.self) {
            try SocketXCom(endpoint, runPk: pk, waitForPool: 0.3).push(task: "a", key: "k", value: .number(0))
        }
        let successor = Task.detached { [f] () -> XComSocketServer? in
            try? await Task.sleep(nanoseconds: 500_000_000)   // the next scheduler starts
            return try? XComSocketServer(home: f.home.root.path) { [store = f.store] runPk in EngineXCom(store: store, runPk: runPk) }
        }
        try SocketXCom(endpoint, runPk: pk, waitForPool: 30).push(task: "a", key: "during_restart", value: .number(2))
        #expect(try f.store.pullXCom(runPk: pk, taskId: "a", key: "during_restart") == .number(2))
        withExtendedLifetime(successor) {}
    }

    @Test func aBrokenKeyFileIsReplacedNotKeptForever() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let keyPath = f.home.root.appendingPathComponent("xcom.key").path
        #expect(FileManager.default.createFile(atPath: keyPath, contents: Data([1, 2, 3])))   // a write cut short
        #expect(throws: XComChannelError.self) { _ = try server(f) }
        #expect(!FileManager.default.fileExists(atPath: keyPath))
        let pk = try run(f)
        let fresh = try server(f)
        try SocketXCom(fresh.endpoint(runPk: pk, taskId: "a"), runPk: pk).push(task: "a", key: "k", value: .number(1))
        #expect((try? Data(contentsOf: URL(fileURLWithPath: keyPath)))?.count == 32)
    }

    @Test func aProcessThatCannotOpenTheStateDatabaseStillPushesAndPulls() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pk = try run(f)
        let server = try server(f)
        try f.store.pushXCom(runPk: pk, taskId: "a", key: "return_value", value: .number(20), now: Date())
        let grant = String(decoding: try JSONEncoder().encode(server.endpoint(runPk: pk, taskId: "b").grant), as: UTF8.self)
        // A child process with no way to the database: a path that does not exist, in a folder it cannot see.
        let script = """
            import json, os, socket, sys
            path, grant, run = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
            try:
                open("/nonexistent/orch.db", "rb"); print("opened the database"); sys.exit(3)
            except OSError:
                pass
            s = socket.socket(socket.AF_UNIX); s.connect(path); f = s.makefile("rwb")
            def call(**req):
                f.write(json.dumps(dict(grant=grant, runPk=run, **req)).encode() + b"\\n"); f.flush()
                return json.loads(f.readline())
            pulled = call(op="pull", task="a", key="return_value")
            assert pulled["ok"], pulled
            pushed = call(op="push", task="b", key="return_value", value=pulled["value"] + 1)
            assert pushed["ok"], pushed
            refused = call(op="push", task="a", key="return_value", value=0)
            assert not refused["ok"], refused
            print("done")
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, server.path, grant, String(pk)]
        p.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(try f.store.pullXCom(runPk: pk, taskId: "b", key: "return_value") == .number(21))
        #expect(try f.store.pullXCom(runPk: pk, taskId: "a", key: "return_value") == .number(20))
    }
}
