#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// `orch trigger` reads only its DAG once the bundles were loaded before (the manifest cache's per-DAG index), with
/// a real `orch` child process and a script bundle that counts its `describe` calls.
struct CLITriggerOneDAGTests {
    /// A bundle executable (a shell script) whose `describe` prints DAGs `ids` and appends a line to
    /// `<path>.count`; each DAG is the test bundle's example_shell with one task, `task`, running `true`.
    @discardableResult
    private func scriptBundle(_ s: OrchSandbox, _ ids: [String], task: String = "t") throws -> String {
        let shell = try testBundleManifest(dag: "example_shell")
        var manifest = shell.manifest
        let example = shell.dag
        var only = try #require((example["tasks"] as? [[String: Any]])?.first)
        only["id"] = task
        only["upstream"] = [String]()
        only["action"] = ["kind": "shell", "command": "true"]
        manifest["dags"] = ids.map { id -> [String: Any] in
            var dag = example
            dag["id"] = id
            dag["tags"] = [String]()
            dag["tasks"] = [only]
            return dag
        }
        manifest["dashboards"] = [Any]()
        let json = String(decoding: try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]), as: UTF8.self)
        let path = s.home.appendingPathComponent("bundle.sh").path
        let text = "#!/bin/sh\n[ \"$1\" = describe ] || exit 2\necho x >> '\(path).count'\ncat <<'MANIFEST'\n\(json)\nMANIFEST\n"
        try text.write(toFile: path + ".new", atomically: false, encoding: .utf8)
        chmod(path + ".new", 0o755)
        rename(path + ".new", path)
        return path
    }

    private func describes(_ bundle: String) -> Int {
        ((try? String(contentsOfFile: bundle + ".count", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    private func versions(_ s: OrchSandbox) throws -> [String] {
        try s.database().query("SELECT dag_version FROM dag_run WHERE dag_id = 'd' ORDER BY id").map { $0["dag_version"].string ?? "" }
    }

    @Test func aSecondTriggerReadsOnlyItsDAGAndPinsTheSameVersion() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try scriptBundle(s, ["d", "other"])
        s.extraEnvironment["ORCH_BUNDLES"] = bundle
        let first = try s.run("trigger", "d")
        #expect(first.status == 0, "\(first)")
        // The whole manifest goes from the cache: a trigger that needed the full load would describe again.
        let manifests = s.home.appendingPathComponent("bundles/manifests").path
        for f in try FileManager.default.contentsOfDirectory(atPath: manifests) where f.hasSuffix(".manifest.json") {
            try FileManager.default.removeItem(atPath: manifests + "/" + f)
        }
        let second = try s.run("trigger", "d")
        #expect(second.status == 0, "\(second)")
        #expect(describes(bundle) == 1)
        let pinned = try versions(s)
        #expect(pinned.count == 2 && pinned[0] == pinned[1] && pinned[0].count == 64)
        let stored = try s.database().query("SELECT version FROM dag_version WHERE dag_id = 'd'").map { $0["version"].string }
        #expect(stored == [pinned[0]])

        // The bundle rebuilt (another task): the index of the old file is not used; the run gets the new version.
        try scriptBundle(s, ["d", "other"], task: "renamed")
        let third = try s.run("trigger", "d")
        #expect(third.status == 0, "\(third)")
        #expect(describes(bundle) == 2)
        let after = try versions(s)
        #expect(after.count == 3 && after[2] != after[0])
        let tasks = try s.database().query("SELECT task_id FROM task_instance WHERE run_pk = (SELECT max(id) FROM dag_run)")
        #expect(tasks.map { $0["task_id"].string } == ["renamed"])
    }

    @Test func anUnknownDAGNamesTheClosestOnes() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let ids = (1...12).map { "sales_\($0)" } + ["shopstream_daily"]
        s.extraEnvironment["ORCH_BUNDLES"] = try scriptBundle(s, ids)
        let r = try s.run("trigger", "shopstream_dayly")
        #expect(r.status != 0)
        #expect(r.stderr.contains("no DAG 'shopstream_dayly'. Did you mean 'shopstream_daily'?"), "\(r)")
        #expect(r.stderr.contains("`orch dags list` shows all 13"), "\(r)")
        #expect(!r.stderr.contains("sales_1,"))
    }
}
