import Foundation
import OrchCore
import Testing

/// Declaring DAGs: edges with `>>`, `<<` and `chain`, defaults, leaves.
@Suite struct DAGBuilderTests {
    @Test func edgeOperatorsAndChain() {
        let dag = DAG("edges") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c"); let e = d.task("e"); let f = d.task("f")
            a >> [b, c]
            [b, c] >> e
            f << e
            a >> b   // repeated edge is kept once
            d.depend("b", on: "a")   // and so is the same edge by id
            d.depend("b", on: "ghost")   // an unknown upstream is kept for validation to report
        }
        #expect(dag.task("b")?.upstream == ["a", "ghost"])
        #expect(dag.edges.map { "\($0.0)>\($0.1)" } == ["a>b", "ghost>b", "a>c", "b>e", "c>e", "e>f"])
        #expect(dag.leaves == ["f"])
        #expect(dag.downstream["a"] == ["b", "c"])
    }

    @Test func aWideFanInKeepsDeclarationOrderAndEachEdgeOnce() {
        let dag = DAG("wide") { d in
            let parts = (0..<1_000).map { d.task("p\($0)") }
            let join = d.task("join")
            chain(parts, join)
            parts >> join   // declared again: still one edge each
        }
        #expect(dag.task("join")?.upstream == (0..<1_000).map { "p\($0)" })
    }

    @Test func chainFansOutAndIn() {
        let dag = DAG("chain") { d in
            let start = d.task("start")
            let mid = (1...3).map { d.task("m\($0)") }
            chain(start, mid, d.task("join"), d.task("end"))
        }
        #expect(dag.task("join")?.upstream == ["m1", "m2", "m3"])
        #expect(dag.task("m2")?.upstream == ["start"])
        #expect(dag.task("end")?.upstream == ["join"])
        #expect(dag.leaves == ["end"])
    }

    @Test func defaultsApplyUnlessATaskOverrides() {
        let defaults = TaskDefaults(retries: 2, retryDelay: 7, exponentialBackoff: true, maxRetryDelay: 70,
                                    executionTimeout: 30, isolation: .inProcess, triggerRule: .allDone, pool: "db")
        let dag = DAG("defaults", defaults: defaults) { d in
            d.task("plain")
            d.task("custom", retries: 0, timeout: 1, isolation: .process, triggerRule: .always, pool: "other")
            d.shell("sh", "true")
        }
        let plain = dag.task("plain")!
        #expect(plain.retry == RetryPolicy(retries: 2, delay: 7, exponentialBackoff: true, maxDelay: 70))
        #expect(plain.executionTimeout == 30)
        #expect(plain.isolation == .inProcess)
        #expect(plain.triggerRule == .allDone)
        #expect(plain.pool == "db")
        let custom = dag.task("custom")!
        #expect(custom.retry.retries == 0)
        #expect(custom.retry.delay == 7)
        #expect(custom.executionTimeout == 1)
        #expect(custom.isolation == .process)
        #expect(custom.triggerRule == .always)
        #expect(custom.pool == "other")
        // Shell tasks always run as a process and report their kind.
        #expect(dag.task("sh")?.isolation == .process)
        #expect(dag.task("sh")?.kind == "shell")
        #expect(plain.kind == "swift")
    }

    @Test func utcDates() {
        #expect(Date.utc(2026, 11, 1).timeIntervalSince1970 == 1_793_491_200)
        #expect(Date.utc(2026, 11, 1, 6, 30).timeIntervalSince(Date.utc(2026, 11, 1)) == 6.5 * 3600)
    }

    @Test func jsonValueRoundTripsWithSortedKeys() throws {
        let v: JSONValue = ["b": [1, 2.5, "x"], "a": nil, "c": true]
        #expect(v.jsonText == #"{"a":null,"b":[1,2.5,"x"],"c":true}"#)
        #expect(try JSONValue.parse(v.jsonText) == v)
        #expect(throws: JSONValueError.self) { try JSONValue.parse("{nope") }
    }
}
