#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// DAGs come from bundles: the `orch` binary holds none. A broken bundle or DAG is an import error that never
/// stops the other DAGs (before bundles, one cycle made every command exit 1).
@Suite(.serialized)
struct CLIBundleTests {
    /// A script bundle in the sandbox describing example_shell's manifest under a new id, with a cycle added.
    private func cyclicBundle(_ s: OrchSandbox) throws -> String {
        var (manifest, dag) = try testBundleManifest(dag: "example_shell")
        var tasks = try #require(dag["tasks"] as? [[String: Any]])
        #expect(tasks.count >= 2)
        dag["id"] = "broken_cycle"
        tasks[0]["upstream"] = [tasks[tasks.count - 1]["id"] as? String ?? ""]
        dag["tasks"] = tasks
        manifest["dags"] = [dag]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: manifest), as: UTF8.self)
        let path = s.home.appendingPathComponent("cyclic-bundle").path
        try "#!/bin/sh\ncat <<'MANIFEST'\n\(json)\nMANIFEST\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func aCycleInOneBundleIsAnImportErrorAndTheOtherDAGsStillWork() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let env = ["ORCH_BUNDLES": testBundles + ":" + (try cyclicBundle(s))]
        let check = try s.run(["dags", "check"], environment: env)
        #expect(check.status == 1)
        #expect(check.stderr.contains("broken_cycle") && check.stderr.contains("invalid_dag") && check.stderr.contains("cycle"),
                "\(check.output)")
        let list = try s.run(["dags", "list"], environment: env)
        #expect(list.status == 0, "\(list.output)")
        #expect(list.stdout.contains("example_shell") && !list.stdout.contains("broken_cycle"))
        #expect(list.stderr.contains("warning: bundle"), "the import error is shown as a warning")
        let run = try s.run(["run", "example_shell", "--quiet"], environment: env)
        #expect(run.status == 0, "\(run.output)")
        #expect(try s.run(["runs", "list", "example_shell"], environment: env).status == 0)
    }

    @Test func aBundleThatIsGoneTakesItsDAGsOffTheListAndKeepsTheirHistory() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("run", "example_shell", "--quiet").status == 0)
        let without = ["ORCH_BUNDLES": String(testBundles.split(separator: ":")[1]) + ":" + s.home.appendingPathComponent("gone").path]
        let list = try s.run(["dags", "list"], environment: without)
        #expect(list.status == 0 && !list.stdout.contains("example_shell"), "\(list.output)")
        #expect(list.stderr.contains("(missing)"), "\(list.output)")
        let runs = try s.run(["runs", "list", "example_shell"], environment: without)
        #expect(runs.status == 0 && runs.stdout.contains("manual__"), "\(runs.output)")
    }

    @Test func theExamplesCanBeHidden() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let list = try s.run(["dags", "list"], environment: ["ORCH_LOAD_EXAMPLES": "false"])
        #expect(list.status == 0 && list.stdout.contains("shopstream_daily"), "\(list.output)")
        #expect(!list.stdout.contains("example_"), "\(list.stdout)")
    }

    /// A fresh install runs nothing its user did not choose: examples with a schedule start paused.
    @Test func examplesWithAScheduleStartPaused() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let list = try s.run("dags", "list")
        #expect(list.status == 0, "\(list.output)")
        let paused = Dictionary(uniqueKeysWithValues: list.stdout.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return (cells[0], line.contains("  yes  "))
        })
        #expect(paused["example_fanout"] == true, "@daily example: \(list.stdout)")
        #expect(paused["example_xcom"] == false && paused["shopstream_daily"] == false, "\(list.stdout)")
    }

    @Test func theOrchBinaryHoldsNoDAG() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["dags", "list"], environment: ["ORCH_BUNDLES": ""])
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 1, "only the header: \(r.output)")
    }
}
