import Foundation
import OrchSQLite
import Testing

/// `orch init` (issue 13): the scaffolded bundle builds as it is and its DAG runs. The package is created by
/// `orch init` in a temporary folder each time; its files are then moved into `.build/scaffold-test/teamdags`
/// of this repository, whose own `.build` is kept between test runs: the first run builds the bundle's copy of
/// every dependency (swift-crypto…, many minutes on 2 cores), later runs only what changed.
@Suite(.serialized)
struct CLIInitScaffoldTests {
    @Test(.timeLimit(.minutes(60))) func theScaffoldedBundleBuildsAndItsDAGRuns() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let fm = FileManager.default
        let fresh = s.home.appendingPathComponent("teamdags")
        let created = try s.run("init", fresh.path)
        #expect(created.status == 0, "\(created.output)")
        #expect(created.stdout.contains("hello_teamdags"))
        #expect(try s.run("init", fresh.path).status != 0, "a folder that is not empty is refused")

        let folder = repoRoot.appendingPathComponent(".build/scaffold-test/teamdags")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for entry in try fm.contentsOfDirectory(atPath: folder.path) where entry != ".build" {
            try fm.removeItem(at: folder.appendingPathComponent(entry))
        }
        for entry in try fm.contentsOfDirectory(atPath: fresh.path) {
            try fm.moveItem(at: fresh.appendingPathComponent(entry), to: folder.appendingPathComponent(entry))
        }

        let env = ["ORCH_BUNDLES": folder.path]
        let check = try s.run(["dags", "check"], environment: env)
        #expect(check.status == 0, "\(check.output)")
        let run = try s.run(["run", "hello_teamdags"], environment: env)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("success"))
        let db = try s.database()
        let states = try db.query("SELECT t.state FROM task_instance t JOIN dag_run r ON r.id = t.run_pk WHERE r.dag_id = 'hello_teamdags'")
        #expect(!states.isEmpty && states.allSatisfy { $0["state"].string == "success" })
        let version = try db.queryOne("SELECT dag_version FROM dag_run WHERE dag_id = 'hello_teamdags'")?["dag_version"].string
        #expect(version?.count == 64, "the run records its DAG version")
    }
}
