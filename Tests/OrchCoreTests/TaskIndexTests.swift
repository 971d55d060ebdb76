import OrchCore
import Testing

/// `DAG.task(_:)` finds every task by id through the sorted index, the first of two tasks sharing an id (which
/// validation reports), and nothing for an id no task has; a decoded DAG before `reindexed()` finds the same.
struct TaskIndexTests {
    private let ids = ["load", "extract", "b", "a", "zz", "a_1", "A", "é", "e\u{301}x", "t10", "t9", "t100"]

    private var dag: DAG {
        DAG("lookups", tasks: ids.enumerated().map { i, id in TaskSpec(id: id, action: .shell("echo \(i)")) }
            + [TaskSpec(id: "b", action: .shell("second b"))])
    }

    private func command(_ task: TaskSpec?) -> String? {
        if case .shell(let c)? = task?.action { return c }
        return nil
    }

    @Test func everyTaskIsFoundByItsId() {
        for (i, id) in ids.enumerated() { #expect(command(dag.task(id)) == "echo \(i)", "task \(id)") }
    }

    @Test func theFirstOfTwoTasksSharingAnIdIsFound() {
        #expect(command(dag.task("b")) == "echo 2")
    }

    @Test func anUnknownIdFindsNothing() {
        for id in ["", "c", "zzz", "0", "t1", "B", "loads", "a_"] { #expect(dag.task(id) == nil, "task \(id)") }
    }

    @Test func aThousandTasksAreFoundAndOrderedAsDeclared() {
        let wide = DAG("wide") { d in for i in stride(from: 999, through: 0, by: -1) { d.task("t\(i)") } }
        #expect(wide.tasks.first?.id == "t999")
        #expect((0..<1_000).allSatisfy { wide.task("t\($0)")?.id == "t\($0)" })
        #expect(wide.task("t1000") == nil)
    }
}
