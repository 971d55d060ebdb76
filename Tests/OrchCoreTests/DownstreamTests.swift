import OrchCore
import Testing

/// `withDownstream(of:)`: what "clear with downstream" and "mark with downstream" act on.
@Suite struct DownstreamTests {
    static let dag = DAG("d") { d in
        let a = d.task("a"); let b = d.task("b"); let c = d.task("c"); let e = d.task("e"); let f = d.task("f")
        let lone = d.task("lone")
        a >> [b, c]
        c >> e
        [b, e] >> f
        _ = lone
    }

    @Test(arguments: [
        ("a", ["a", "b", "c", "e", "f"]),
        ("c", ["c", "e", "f"]),
        ("b", ["b", "f"]),
        ("f", ["f"]),
        ("lone", ["lone"]),
        ("missing", []),
    ])
    func reachesEveryDependentTaskInDependencyOrder(_ task: String, _ expected: [String]) {
        #expect(Self.dag.withDownstream(of: task) == expected)
    }
}
