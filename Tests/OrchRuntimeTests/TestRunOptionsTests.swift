import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// A test run's arguments (a bundle executable's `dags test DAG …`) and the spec they make: pure, no process.
@Suite struct TestRunOptionsTests {
    let dag = DAG("opts", schedule: "@daily", params: ["greeting": "hello", "count": 3]) { d in
        chain(d.task("wait_for_file"), d.task("wait_for_api"), d.task("load"))
    }

    @Test func aDateAConfAndAPatternAreRead() throws {
        let o = try TestRunOptions.parse(["2026-11-02", "-c", #"{"count": 5}"#, "--mark-success-pattern", "wait_"])
        #expect(o.logicalDate == (try ISODate.parse("2026-11-02")))
        #expect(o.conf == ["count": .number(5)])
        #expect(o.markSuccessPattern == "wait_")
        #expect(try TestRunOptions.parse([]) == TestRunOptions())
        #expect(try TestRunOptions.parse(["--conf", "{}"]).conf.isEmpty)
        #expect(try TestRunOptions.parse([#"--conf={"a": "b=c"}"#, "--mark-success-pattern=x=y"])
                == TestRunOptions(conf: ["a": .string("b=c")], markSuccessPattern: "x=y"))
    }

    @Test(arguments: [
        (["--bogus"], "unknown option --bogus"),
        (["-c"], "-c needs a JSON object"),
        (["--conf", "[1]"], "--conf must be a JSON object"),
        (["--conf", "@/nonexistent/conf.json"], "cannot read the file"),
        (["2026-02-30"], "day 30 does not exist"),
        (["2026-11-02", "2026-11-03"], "one logical date only"),
        (["--mark-success-pattern"], "needs a regular expression"),
    ])
    func badArgumentsAreClearErrors(_ arguments: [String], _ says: String) {
        #expect {
            _ = try TestRunOptions.parse(arguments)
        } throws: { error in
            (error as? TestRunOptionError)?.description.contains(says) == true
        }
    }

    @Test func thePatternMatchesFromTheIdsStartAndABadOneIsRefused() throws {
        #expect(try TestRunOptions(markSuccessPattern: "wait_").markedTasks(of: dag) == ["wait_for_file", "wait_for_api"])
        #expect(try TestRunOptions(markSuccessPattern: "for_").markedTasks(of: dag).isEmpty)   // not a search
        #expect(try TestRunOptions(markSuccessPattern: ".*api$").markedTasks(of: dag) == ["wait_for_api"])
        #expect(try TestRunOptions().markedTasks(of: dag).isEmpty)
        #expect(throws: TestRunOptionError.self) { try TestRunOptions(markSuccessPattern: "(").markedTasks(of: dag) }
    }

    @Test func theSpecIsAManualRunsWithTheConfOverTheParamsAndNoDatabase() throws {
        let date = try ISODate.parse("2026-11-02T06:30:00Z")
        let spec = TestRunOptions(logicalDate: date, conf: ["count": .number(5)]).spec(dag: dag, taskId: "load", home: "/h",
                                                                                        environment: [:])
        #expect(spec.runId == "test__2026-11-02T06:30:00Z")
        #expect(spec.logicalDate == date)
        #expect(spec.dataInterval == RunFactory.manualInterval(for: dag, logicalDate: date, triggeredAt: date))   // as `orch trigger`'s
        #expect(spec.params == ["greeting": .string("hello"), "count": .number(5)])
        #expect(spec.databasePath.isEmpty)
        #expect(spec.logPath == "/dev/stdout")
        #expect(spec.taskId == "load" && spec.tryNumber == 1 && spec.home == "/h")
        // Without a date: now, and the interval of a manual run triggered now.
        let now = try ISODate.parse("2026-11-05T12:00:00Z")
        let later = TestRunOptions().spec(dag: dag, taskId: "", home: "/h", now: now, environment: [:])
        #expect(later.logicalDate == now)
        #expect(later.runId == "test__2026-11-05T12:00:00Z")
    }
}
