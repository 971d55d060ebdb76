#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// DAGs a bundle declares with `OrchBundle.main(lazy:)`: its fork server and task host build only the DAGs of the
/// attempts they run, each once, and a forked attempt inherits its DAG from the fork server (docs/bundles.md,
/// "Lazy DAGs"). Real scheduler, the test bundle's real helpers, real SQLite; each task logs how often each lazy
/// DAG was built in its process.
@Suite(.serialized) struct CLILazyDAGTests {
    @Test func helpersBuildOnlyTheDAGsTheyRunEachOnce() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try LoggingBundle(in: s)
        s.extraEnvironment["ORCH_BUNDLES"] = bundle.path
        s.extraEnvironment["ORCH_HELPER_IDLE_SECONDS"] = "off"   // one fork server and one task host for both runs
        let list = try s.run("dags", "list")
        #expect(list.status == 0, "\(list.output)")
        #expect(list.stdout.contains("test_lazy_one") && list.stdout.contains("test_lazy_two"), "describe lists lazy DAGs")
        for dag in ["test_lazy_one", "test_lazy_two"] { #expect(try s.run("dags", "unpause", dag).status == 0) }
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }

        // The second DAG is built beside the first, once, by the same helpers.
        for (dag, built) in [("test_lazy_one", "test_lazy_one=1"), ("test_lazy_two", "test_lazy_one=1 test_lazy_two=1")] {
            let run = try s.run("trigger", dag, "--wait")
            #expect(run.status == 0, "\(run.output)")
            let rows = try RunRows(try s.database(), dagId: dag)
            #expect(rows.tasks == ["forked": "success", "forked_again": "success", "hosted": "success"], "\(rows.tasks)")
            for task in ["forked", "forked_again"] {
                let log = try logOf(rows, task)
                #expect(log.contains("lazy builds in process") && log.contains(": \(built)\n"), "\(log)")
            }
            let hosted = try logOf(rows, "hosted")
            #expect(hosted.contains("lazy builds in the task host: \(built)\n"), "\(hosted)")
        }
        #expect(bundle.helperStarts.sorted() == ["__fork-server", "__task-host"], "\(bundle.helperStarts)")
    }

    @Test func describeRefusesALazyDAGThatBuildsAnotherId() throws {
        let executable = String(testBundles.split(separator: ":")[1])   // orch-test-dags
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["describe"]
        process.environment = ProcessInfo.processInfo.environment.merging(["ORCH_TEST_LAZY_MISMATCH": "1"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(errText.contains("cannot describe the bundle: LazyDAG \"test_lazy_declared\" built the DAG \"test_lazy_built\""),
                "\(errText)")
    }

    private func logOf(_ rows: RunRows, _ task: String) throws -> String {
        let attempt = try #require(rows.attempts(of: task).first)
        return try String(contentsOfFile: attempt["log_path"].string ?? "", encoding: .utf8)
    }
}
