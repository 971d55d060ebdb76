import Foundation
@testable import OrchCore
import Testing

/// Tasks with equal settings share one settings box (a DAG of a thousand default tasks stores them once), a write to
/// one task's setting changes that task only, and the manifest entry is the one the synthesized conformance wrote.
struct TaskSettingsSharingTests {
    private func fanOut(_ n: Int) -> DAG {
        DAG("wide") { d in
            let start = d.task("start")
            for i in 0..<n { start >> d.task("t\(i)") }
            d.task("slow", retries: 3)
        }
    }

    private func boxes(_ dag: DAG) -> Set<ObjectIdentifier> { Set(dag.tasks.map { ObjectIdentifier($0.settings) }) }

    @Test func aDeclaredDAGHoldsOneBoxPerDistinctSetting() {
        let dag = fanOut(1_000)
        #expect(dag.tasks.count == 1_002)
        #expect(boxes(dag).count == 2)
        #expect(dag.task("slow")?.retry.retries == 3 && dag.task("t999")?.retry.retries == 0)
    }

    @Test func aDecodedDAGSharesItsBoxesToo() throws {
        let data = try JSONEncoder().encode(fanOut(100))
        let decoded = try JSONDecoder().decode(DAG.self, from: data)
        #expect(boxes(decoded).count == 102)
        #expect(boxes(decoded.reindexed()).count == 2)
    }

    @Test func aWriteChangesOneTaskOnly() {
        var tasks = fanOut(3).tasks
        tasks[1].pool = "db"
        tasks[1].retry.retries = 5
        tasks[2].assets.outlets.append("pg://gold/x")
        #expect(tasks[1].pool == "db" && tasks[1].retry.retries == 5)
        #expect(tasks[0].pool == "default_pool" && tasks[0].retry.retries == 0 && tasks[3].pool == "default_pool")
        #expect(tasks[2].assets.outlets == ["pg://gold/x"] && tasks[3].assets.outlets.isEmpty)
        #expect(tasks[3].settings === tasks[0].settings)
    }

    @Test func theManifestEntryKeepsItsKeysAndLeavesNilsOut() throws {
        var task = TaskSpec(id: "a", action: .shell("true"))
        let bare = try JSONSerialization.jsonObject(with: JSONEncoder().encode(task)) as? [String: Any]
        #expect(Set(bare?.keys.map { $0 } ?? []) == ["id", "action", "upstream", "triggerRule", "retry", "isolation",
                                                       "pool", "poolSlots", "doc", "assets", "checks"])
        task.executionTimeout = 60
        task.runningLimit = 30
        task.queue = "gpu"
        let full = try JSONSerialization.jsonObject(with: JSONEncoder().encode(task)) as? [String: Any]
        #expect(full?["executionTimeout"] as? Double == 60 && full?["runningLimit"] as? Double == 30)
        #expect(full?["queue"] as? String == "gpu")
        let back = try JSONDecoder().decode(TaskSpec.self, from: JSONEncoder().encode(task))
        #expect(back.executionTimeout == 60 && back.runningLimit == 30 && back.queue == "gpu" && back.kind == "shell")
    }
}
