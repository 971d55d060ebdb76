import OrchCore
import Testing

/// Worker slots, max_active_tasks, named pools shared across DAGs; max_active_runs admission.
@Suite struct SlotAllocatorTests {
    private func c(_ dag: String, _ task: String, pool: String = "default_pool", slots: Int = 1, run: Int64 = 1) -> SlotCandidate {
        SlotCandidate(runKey: run, dagId: dag, taskId: task, pool: pool, poolSlots: slots)
    }

    @Test func workerSlotsLimitInGivenOrder() {
        var a = SlotAllocator(freeWorkerSlots: 2, runningPerDAG: [:], maxActiveTasks: [:], usedPoolSlots: [:],
                              poolSizes: ["default_pool": 128])
        #expect(a.allocate([c("d", "1"), c("d", "2"), c("d", "3")]).map(\.taskId) == ["1", "2"])
        #expect(a.freeWorkerSlots == 0)
        #expect(a.allocate([c("d", "3")]).isEmpty)
    }

    @Test func maxActiveTasksCountsWhatAlreadyRuns() {
        var a = SlotAllocator(freeWorkerSlots: 10, runningPerDAG: ["x": 1], maxActiveTasks: ["x": 2, "y": 1],
                              usedPoolSlots: [:], poolSizes: ["default_pool": 128])
        let chosen = a.allocate([c("x", "1"), c("x", "2"), c("y", "1"), c("y", "2")])
        #expect(chosen.map { "\($0.dagId).\($0.taskId)" } == ["x.1", "y.1"])
        #expect(a.runningPerDAG == ["x": 2, "y": 1])
    }

    @Test func aNamedPoolIsSharedAcrossDAGs() {
        var a = SlotAllocator(freeWorkerSlots: 10, runningPerDAG: [:], maxActiveTasks: [:],
                              usedPoolSlots: ["db": 1], poolSizes: ["db": 3, "default_pool": 128])
        let chosen = a.allocate([c("x", "1", pool: "db"), c("y", "1", pool: "db"), c("z", "1", pool: "db"),
                                 c("z", "2")])
        #expect(chosen.map { "\($0.dagId).\($0.taskId)" } == ["x.1", "y.1", "z.2"])
        #expect(a.usedPoolSlots["db"] == 3)
    }

    @Test func poolSlotsWeighTasksAndASmallerOneMayPassABiggerOne() {
        var a = SlotAllocator(freeWorkerSlots: 10, runningPerDAG: [:], maxActiveTasks: [:], usedPoolSlots: [:],
                              poolSizes: ["db": 3])
        let chosen = a.allocate([c("x", "big", pool: "db", slots: 2), c("x", "big2", pool: "db", slots: 2),
                                 c("x", "small", pool: "db", slots: 1)])
        #expect(chosen.map(\.taskId) == ["big", "small"])
    }

    @Test func anUnknownPoolHasNoSlots() {
        var a = SlotAllocator(freeWorkerSlots: 10, runningPerDAG: [:], maxActiveTasks: [:], usedPoolSlots: [:],
                              poolSizes: ["default_pool": 128])
        #expect(a.allocate([c("x", "1", pool: "nope")]).isEmpty)
    }

    @Test func admissionHonoursMaxActiveRunsOldestFirst() {
        let queued = [("a", 1), ("a", 2), ("b", 3), ("a", 4), ("b", 5)]
        let admitted = RunAdmission.admit(queued: queued, dagOf: { $0.0 }, running: ["a": 1],
                                          maxActiveRuns: { $0 == "a" ? 2 : 1 })
        #expect(admitted.map(\.1) == [1, 3])
    }
}
