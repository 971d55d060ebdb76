import Foundation
import OrchCore
import Testing

/// A DAG encodes every declared field (the manifest a bundle's `describe` prints) and decodes back to the same
/// DAG, its Swift bodies replaced by a body that says where the real one runs.
struct DAGCodableTests {
    private func roundTrip(_ dag: DAG) throws -> DAG {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .secondsSince1970
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        return try dec.decode(DAG.self, from: enc.encode(dag)).reindexed()
    }

    @Test func everyFieldSurvivesTheRoundTrip() throws {
        let dag = DAG("etl", description: "nightly", tags: ["t1", "t2"], owner: "data", schedule: "0 6 * * *",
                      timeZone: "Europe/Paris", startDate: .utc(2026, 11, 1), endDate: .utc(2027, 1, 1), catchup: true,
                      maxActiveRuns: 2, maxActiveTasks: 5, params: ["n": 3, "name": "x"],
                      paramDescriptions: ["n": "how many"], environment: ["PG*"],
                      defaults: TaskDefaults(retries: 2, retryDelay: 7, executionTimeout: 60, pool: "db"),
                      alerts: AlertRules(onTaskFailure: false, runDeadlineMinutes: 30)) { d in
            let a = d.task("extract", isolation: .inProcess, poolSlots: 2, doc: "pulls", runningLimit: 90) { _ in }
            let b = d.shell("load", "echo $ORCH_DS", triggerRule: .allDone)
            a >> b
        }
        let back = try roundTrip(dag)
        #expect(back.id == "etl" && back.description == "nightly" && back.tags == ["t1", "t2"] && back.owner == "data")
        #expect(back.schedule == "0 6 * * *" && back.timeZone == "Europe/Paris" && back.catchup)
        #expect(back.startDate == dag.startDate && back.endDate == dag.endDate)
        #expect(back.maxActiveRuns == 2 && back.maxActiveTasks == 5)
        #expect(back.params == dag.params && back.paramDescriptions == ["n": "how many"] && back.environment == ["PG*"])
        #expect(back.alerts == dag.alerts)
        #expect(back.tasks.map(\.id) == ["extract", "load"])
        let extract = try #require(back.task("extract"))
        #expect(extract.kind == "swift" && extract.isolation == .inProcess && extract.poolSlots == 2)
        #expect(extract.doc == "pulls" && extract.runningLimit == 90 && extract.pool == "db")
        #expect(extract.retry == RetryPolicy(retries: 2, delay: 7) && extract.executionTimeout == 60)
        let load = try #require(back.task("load"))
        #expect(load.upstream == ["extract"] && load.triggerRule == .allDone)
        guard case .shell(let command) = load.action else { Issue.record("load is not a shell task"); return }
        #expect(command == "echo $ORCH_DS")
        #expect(back.task("nope") == nil)
    }

    @Test func aDecodedSwiftBodySaysItRunsInTheBundle() async throws {
        let back = try roundTrip(DAG("d") { d in d.task("t") { _ in } })
        guard case .swift(let body) = try #require(back.task("t")).action else { Issue.record("not swift"); return }
        let context = TaskContext(dagId: "d", taskId: "t", runId: "r", logicalDate: Date(timeIntervalSince1970: 0),
                                  dataInterval: DataInterval(start: .distantPast, end: .distantPast), params: [:],
                                  tryNumber: 1, home: "/tmp", logger: NoLog(), xcom: NoXCom())
        await #expect(throws: TaskBodyInBundle.self) { try await body(context) }
    }

    @Test func aTaskLooksUpBeforeReindexingToo() throws {
        let enc = JSONEncoder(), dec = JSONDecoder()
        let dag = DAG("d") { d in
            let a = d.shell("a", "true")
            a >> d.shell("b", "true")
        }
        let back = try dec.decode(DAG.self, from: enc.encode(dag))
        #expect(back.task("b")?.upstream == ["a"])
    }

    @Test func anUnknownTaskKindIsAClearError() throws {
        let json = #"{"kind": "python", "command": "x"}"#
        #expect {
            try JSONDecoder().decode(TaskAction.self, from: Data(json.utf8))
        } throws: { "\($0)".contains("unknown task kind 'python'") }
    }

    @Test func aLenientBagKeepsTheValidDAGsAndReportsTheOthers() {
        let cycle = DAG("cyclic", tasks: [TaskSpec(id: "a", action: .shell("true"), upstream: ["b"]),
                                          TaskSpec(id: "b", action: .shell("true"), upstream: ["a"])])
        let (bag, errors) = DAGBag.lenient([DAG("good") { d in d.shell("t", "true") }, cycle,
                                            DAG("twice"), DAG("twice")])
        #expect(bag.dags.map(\.id) == ["good"])
        #expect(Set(errors.map(\.dagId)) == ["cyclic", "twice"])
        #expect(errors.contains { $0.kind == .cycle })
    }
}

private struct NoLog: TaskLogger { func log(_ message: String) {} }
private struct NoXCom: XComAccess {
    func push(task: String, key: String, value: JSONValue) throws {}
    func pull(task: String, key: String) throws -> JSONValue? { nil }
}
