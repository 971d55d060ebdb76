import Foundation
import OrchCore

/// The Astronomer scheduler scenarios (`bench/scheduler_scenarios.py`): 100 DAGs of 10 linear tasks, 10 DAGs of 100
/// parallel tasks, 1 DAG with a burst of 1,000 parallel tasks. Every task is an in-process no-op, so what is measured
/// is the scheduler. Each DAG is due at once (daily since 2026-01-01, no catchup: the scheduler creates its latest
/// run when it starts). They are compiled in but registered only when `ORCH_BENCH_SCENARIOS` names a scenario
/// (`linear`, `wide`, `burst`): then they are the only DAGs, so nothing else runs beside them.
enum SchedulerScenarios {
    static var selected: String? { ProcessInfo.processInfo.environment["ORCH_BENCH_SCENARIOS"] }

    /// The bundle's task host gets no ORCH_BENCH_SCENARIOS (a helper process gets ordinary variables only): it
    /// knows every scenario's DAGs, so it can run whichever the scheduler registered.
    static var isTaskHost: Bool { CommandLine.arguments.dropFirst().first == "__task-host" }

    static var entries: [(id: String, make: @Sendable () -> DAG)] {
        if isTaskHost && selected == nil { return ["linear", "wide", "burst"].flatMap(entries) }
        return entries(selected)
    }

    static func entries(_ scenario: String?) -> [(id: String, make: @Sendable () -> DAG)] {
        switch scenario {
        case "linear": return (1...100).map { i in ("scenario_linear_\(i)", { dag("scenario_linear_\(i)", width: 1, length: 10) }) }
        case "wide": return (1...10).map { i in ("scenario_wide_\(i)", { dag("scenario_wide_\(i)", width: 100, length: 1) }) }
        case "burst": return [("scenario_burst", { dag("scenario_burst", width: 1000, length: 1) })]
        default: return []
        }
    }

    /// `width` parallel chains of `length` no-ops.
    static func dag(_ id: String, width: Int, length: Int) -> DAG {
        DAG(id, description: "Scheduler scenario: \(width) × \(length) no-ops", tags: ["bench"], schedule: "@daily",
            startDate: .utc(2026, 1, 1), maxActiveTasks: 1024, defaults: TaskDefaults(isolation: .inProcess)) { d in
            for w in 1...width {
                var previous = d.task(width == 1 ? "c1" : "t\(w)_1")
                for i in stride(from: 2, through: length, by: 1) {
                    let next = d.task(width == 1 ? "c\(i)" : "t\(w)_\(i)")
                    previous >> next
                    previous = next
                }
            }
        }
    }
}
