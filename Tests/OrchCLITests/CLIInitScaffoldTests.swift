#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// `orch init` (issue 13): the scaffolded bundle builds as it is and its DAG runs. The package is created by
/// `orch init` in a temporary folder each time; its files are then moved into `.build/scaffold-test/teamdags`
/// of this repository, whose own `.build` is kept between test runs: the first run builds the bundle's copy of
/// every dependency (swift-crypto…, about 18 minutes on 2 cores), later runs only what changed. Too slow for
/// `make test` on a fresh clone: it runs with ORCH_SCAFFOLD_TESTS=1, which `make test-scaffold` sets.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ORCH_SCAFFOLD_TESTS"] == "1",
                             "the scaffolded package's cold build takes many minutes: make test-scaffold"))
struct CLIInitScaffoldTests {
    /// `orch init` into a new folder of the sandbox, the files then moved into the cached folder.
    private func scaffold(_ s: OrchSandbox) throws -> URL {
        let fm = FileManager.default
        let fresh = s.home.appendingPathComponent("teamdags")
        let created = try s.run("init", fresh.path)
        #expect(created.status == 0, "\(created.output)")
        #expect(created.stdout.contains("hello_teamdags"))
        #expect(created.stdout.contains("dags test hello_teamdags"), "\(created.output)")
        #expect(try s.run("init", fresh.path).status != 0, "a folder that is not empty is refused")
        let folder = repoRoot.appendingPathComponent(".build/scaffold-test/teamdags")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for entry in try fm.contentsOfDirectory(atPath: folder.path) where entry != ".build" {
            try fm.removeItem(at: folder.appendingPathComponent(entry))
        }
        for entry in try fm.contentsOfDirectory(atPath: fresh.path) {
            try fm.moveItem(at: fresh.appendingPathComponent(entry), to: folder.appendingPathComponent(entry))
        }
        return folder
    }

    @Test(.timeLimit(.minutes(60))) func theScaffoldedBundleBuildsAndItsDAGRuns() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let folder = try scaffold(s)
        let env = ["ORCH_BUNDLES": folder.path]
        let check = try s.run(["dags", "check"], environment: env)
        #expect(check.status == 0, "\(check.output)")
        let test = try s.run(["dags", "test", "hello_teamdags"], environment: env)   // one run in the bundle's process
        #expect(test.status == 0, "\(test.output)")
        #expect(test.stdout.contains(": success in "), "\(test.output)")
        let run = try s.run(["run", "hello_teamdags"], environment: env)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("success"))
        let db = try s.database()
        let states = try db.query("SELECT t.state FROM task_instance t JOIN dag_run r ON r.id = t.run_pk WHERE r.dag_id = 'hello_teamdags'")
        #expect(!states.isEmpty && states.allSatisfy { $0["state"].string == "success" })
        let version = try db.queryOne("SELECT dag_version FROM dag_run WHERE dag_id = 'hello_teamdags'")?["dag_version"].string
        #expect(version?.count == 64, "the run records its DAG version")
    }

    /// The end-to-end case on a real SDK bundle under a real scheduler: a run in flight when the DAG is
    /// edited (a task added) finishes on its version, without the new task; the run triggered after the reload
    /// has it. The first run's long task waits for a gate file, so no timing decides the outcome.
    @Test(.timeLimit(.minutes(60))) func anInFlightRunFinishesOnItsVersionAndTheNextRunUsesTheNewOne() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let folder = try scaffold(s)
        let gate = s.home.appendingPathComponent("gate").path
        let hello = folder.appendingPathComponent("Sources/TeamdagsDAGs/Hello.swift")
        let original = try String(contentsOf: hello, encoding: .utf8)
        let waiting = original.replacingOccurrences(of: "\"echo running $ORCH_TASK_ID of $ORCH_DAG_ID\"",
                                                    with: "\"while [ ! -f \(gate) ]; do sleep 0.1; done; echo gate open\"")
        #expect(waiting != original)
        try waiting.write(to: hello, atomically: true, encoding: .utf8)
        let env = ["ORCH_BUNDLES": folder.path, "ORCH_BUNDLE_POLL": "0.2"]
        let scheduler = try s.start(["scheduler"], environment: env)
        defer { scheduler.stop(SIGTERM) }
        func current() -> String? {
            (try? s.database().queryOne("SELECT version FROM dag WHERE dag_id = 'hello_teamdags'"))?["version"].string
        }
        #expect(s.waitFor(1800) { current() != nil }, "\(scheduler.stderr)")
        let v1 = try #require(current())
        let first = try s.run(["trigger", "hello_teamdags"], environment: env)
        #expect(first.status == 0, "\(first.output)")
        func taskState(_ run: Int64, _ task: String) -> String? {
            (try? s.database().queryOne("SELECT state FROM task_instance WHERE run_pk = ? AND task_id = ?", [run, task]))?["state"].string
        }
        let run1 = try #require(try s.database().queryOne("SELECT id, dag_version FROM dag_run WHERE dag_id = 'hello_teamdags'"))
        let pk1 = try #require(run1["id"].int64)
        #expect(run1["dag_version"].string == v1)
        #expect(s.waitFor(300) { taskState(pk1, "shell") == "running" }, "\(scheduler.stderr)")

        // The edit: a task after `read`. The scheduler rebuilds and loads it while run 1 waits at the gate.
        try waiting.replacingOccurrences(of: "shell >> read", with: "shell >> read\n    read >> d.shell(\"added\", \"echo added\")")
            .write(to: hello, atomically: true, encoding: .utf8)
        #expect(s.waitFor(1800) { current().map { $0 != v1 } ?? false }, "\(scheduler.stderr)")
        let v2 = try #require(current())
        let second = try s.run(["trigger", "hello_teamdags"], environment: env)
        #expect(second.status == 0, "\(second.output)")
        let pk2 = try #require(try s.database().queryOne("SELECT id FROM dag_run WHERE dag_id = 'hello_teamdags' AND id != ?", [pk1])?["id"].int64)
        #expect(taskState(pk1, "shell") == "running", "run 1 is still in flight")

        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        func finished(_ pk: Int64) -> String? {
            (try? s.database().queryOne("SELECT state FROM dag_run WHERE id = ? AND state IN ('success', 'failed')", [pk]))?["state"].string
        }
        #expect(s.waitFor(600) { finished(pk1) != nil && finished(pk2) != nil }, "\(scheduler.stderr)")
        #expect(finished(pk1) == "success" && finished(pk2) == "success", "\(scheduler.stderr)")
        let db = try s.database()
        #expect(try db.queryOne("SELECT dag_version FROM dag_run WHERE id = ?", [pk2])?["dag_version"].string == v2)
        #expect(taskState(pk1, "added") == nil, "the in-flight run kept its version: no `added` task")
        #expect(taskState(pk2, "added") == "success")
        #expect(try db.queryOne("SELECT count(*) AS n FROM dag_version WHERE dag_id = 'hello_teamdags'")?["n"].int ?? 0 >= 2)
        // The first version's stored executable still holds its bytes after the rebuild (the rebuilt file is new).
        let stored = try #require(try db.queryOne("SELECT executable_path, executable_sha256 FROM dag_version WHERE dag_id = 'hello_teamdags' AND version = ?", [v1]))
        let sum = Process()
        sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sum.arguments = [try #require(stored["executable_path"].string)]
        let out = Pipe()
        sum.standardOutput = out
        try sum.run()
        let digest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        sum.waitUntilExit()
        #expect(String(digest) == stored["executable_sha256"].string)
    }
}
