import ArgumentParser
import Foundation
import OrchAPI
import OrchCore
import OrchRuntime
import OrchStore

struct DagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dags", abstract: "List, inspect, check, test, pause and unpause DAGs.",
        subcommands: [List.self, Show.self, Check.self, DagsTest.self, DagsNext.self, DagsVersions.self, Pause.self, Unpause.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List DAGs with schedule, paused flag and tags.")
        func run() throws {
            let ctx = try CLIContext()
            let bag = try ctx.bag()
            let records = Dictionary(uniqueKeysWithValues: try ctx.syncedStore(bag).dags().map { ($0.dagId, $0) })
            printTable(["dag_id", "schedule", "paused", "tasks", "owner", "tags"], bag.dags.map { d in
                [d.id, d.schedule ?? "None", records[d.id]?.isPaused == true ? "yes" : "no", String(d.tasks.count),
                 d.owner, d.tags.joined(separator: ",")]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a DAG's tasks (in dependency order) and edges.")
        @Argument(help: "DAG id") var dagId: String
        func run() throws {
            let dag = try CLIContext().dagAlone(dagId).dag   // this DAG's definition alone when the cache has it
            print("DAG \(dag.id): \(dag.description)")
            print("schedule: \(dag.schedule ?? "None") (\(dag.timeZone))  catchup: \(dag.catchup)  max_active_runs: \(dag.maxActiveRuns)  max_active_tasks: \(dag.maxActiveTasks)")
            print("")
            let tasks = DAGValidator.topologicalOrder(dag).compactMap(dag.task)
            printTable(["task_id", "kind", "upstream", "trigger_rule", "retries", "timeout", "isolation"], tasks.map { t in
                [t.id, t.kind, t.upstream.isEmpty ? "-" : t.upstream.joined(separator: ","), t.triggerRule.rawValue,
                 String(t.retry.retries), t.executionTimeout.map { "\($0)s" } ?? "-", t.isolation.rawValue]
            })
            print("")
            print("edges:")
            for (a, b) in dag.edges { print("  \(a) >> \(b)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every bundle and validate its DAGs (build, describe, cycles, unknown upstreams, duplicates across bundles, ids, retries, timeouts, schedules); exits 1 on any import error.")
        func run() throws {
            let loaded = try CLIContext().bundles()
            var errors = loaded.errors.map(\.description)
            let (insights, connectionsProblem) = try CLIContext().insights()
            if let connectionsProblem { errors.append(connectionsProblem) }
            let dashboards = InsightsCheck.allProblems(insights)
            errors += dashboards.problems.map { "\($0)" }
            if !dashboards.unreachable.isEmpty {
                printError("warning: \(dashboards.unreachable.count) dashboard panel(s) not checked by PostgreSQL: their "
                    + "connection cannot be reached (\(dashboards.unreachable.prefix(3).joined(separator: ", "))"
                    + (dashboards.unreachable.count > 3 ? ", …" : "") + ")")
            }
            if errors.isEmpty {
                print("\(loaded.bag.dags.count) DAGs OK, \(insights.dashboards.count) dashboards OK")
                return
            }
            for e in errors { printError("error: \(e)") }
            print("\(loaded.bag.dags.count) DAGs loaded, \(errors.count) problem(s)")
            throw ExitCode(1)
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a DAG: the scheduler creates and starts no runs of it.")
        @Argument(help: "DAG id") var dagId: String
        func run() throws { try setPaused(dagId, true) }
    }

    struct Unpause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unpause a DAG.")
        @Argument(help: "DAG id") var dagId: String
        func run() throws { try setPaused(dagId, false) }
    }
}

func setPaused(_ dagId: String, _ paused: Bool) throws {
    let ctx = try CLIContext()
    let bag = try ctx.bag()
    _ = try ctx.dag(dagId)
    let store = try ctx.syncedStore(bag)
    try store.setPaused(dagId, paused)
    try ctx.audit(store, paused ? "dag.pause" : "dag.unpause", ["dag_id": dagId])
    WakeSocket.notify(ctx.home.wakeSocketPath)
    print("DAG \(dagId) \(paused ? "paused" : "unpaused")")
}
