#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// The entry point of a DAG bundle: the one call in the bundle executable's `main.swift`.
///
/// ```swift
/// import OrchSDK
/// OrchBundle.main([helloDAG, otherDAG])
/// ```
///
/// orch runs the executable with one of these commands (none is meant for hand use but `describe`):
/// - `describe`: prints the bundle's DAGs as JSON (`BundleManifest`) and exits;
/// - `__fork-server`: the long-lived process per bundle version that forks one child per attempt;
/// - `__task-host`: the long-lived process per bundle version that runs its `.inProcess` tasks as Swift tasks;
/// - `tasks run DAG TASK --run RUN --try N`: one attempt, its spec in ORCH_ATTEMPT_SPEC (without the fork server);
/// - `tasks test DAG TASK`: one attempt printing its log, nothing persisted (`orch tasks test`);
/// - `dags test DAG …`: one run, every task in this process, nothing persisted (`orch dags test`, or by hand).
public enum OrchBundle {
    /// `dags`: the bundle's DAGs, built together the first time one of them is needed. `lazy`: DAGs built one at a
    /// time, when an attempt of theirs runs (see `LazyDAG`): for a bundle with many DAGs or costly ones, whose
    /// helpers would otherwise build all of them before their first attempt. `dashboards` and
    /// `connectionDefaults`: the Insights dashboards the bundle declares (see `Dashboard`).
    public static func main(_ dags: @autoclosure @escaping () -> [DAG] = [], lazy: [LazyDAG] = [],
                            dashboards: @autoclosure () -> [Dashboard] = [],
                            connectionDefaults: [ConnectionDefault] = []) -> Never {
        // Everything an attempt creates is private to the user, as for orch itself.
        umask(0o077)
        let args = Array(CommandLine.arguments.dropFirst())
        let registry = BundleDAGs(listed: dags, lazy: lazy)
        switch args.first {
        case "describe":
            do {
                describe(BundleManifest(dags: try registry.all(), dashboards: dashboards(),
                                        connectionDefaults: connectionDefaults))
            } catch {
                printToStandardError("cannot describe the bundle: \(error)\n")
                exit(1)
            }
        case "__fork-server":
            // No Dispatch or Swift concurrency until it forks (ForkServer). Each attempt's DAG is built here before
            // its first fork (a request for a DAG of the plain list builds the list), and every later child inherits
            // it.
            ForkServer.serve(warm: { spec in _ = attemptTask(spec, in: registry) }, runChild: { spec in
                await runAttempt(spec, in: registry)
            })
        case "__task-host":
            TaskHost.serve(dags: registry)
        case "tasks" where args.count >= 3 && (args[1] == "run" || args[1] == "test"):
            let test = args[1] == "test"
            exit(CallingThreadExecutor.run {
                await runFromEnvironment(dagId: args[2], taskId: args.count > 3 ? args[3] : "", test: test, in: registry)
            })
        case "dags" where args.count >= 3 && args[1] == "test":
            exit(CallingThreadExecutor.run { await testRunFromArguments(dagId: args[2], options: Array(args.dropFirst(3)), in: registry) })
        default:
            printToStandardError("this is an orch DAG bundle: orch runs it (`describe`, `tasks run`); load it with `orch serve --bundle PATH`, or run one DAG here with `dags test DAG [LOGICAL_DATE] [-c JSON] [--mark-success-pattern RE]`\n")
            exit(2)
        }
    }

    static func describe(_ manifest: BundleManifest) -> Never {
        do {
            let data = try manifest.encoded()
            FileHandle.standardOutput.write(data)
            exit(0)
        } catch {
            printToStandardError("cannot encode the bundle's manifest: \(error)\n")
            exit(1)
        }
    }

    /// `tasks run` / `tasks test`: the spec comes from ORCH_ATTEMPT_SPEC (or the file ORCH_ATTEMPT_SPEC_FILE names).
    static func runFromEnvironment(dagId: String, taskId: String, test: Bool, in dags: BundleDAGs) async -> Int32 {
        guard let spec = try? AttemptSpec.fromEnvironment(), spec.dagId == dagId, spec.taskId == taskId else {
            printToStandardError("tasks \(test ? "test" : "run") is started by orch with \(AttemptSpec.environmentKey) set; use `orch tasks test DAG TASK`\n")
            return 2
        }
        return test ? await testAttempt(spec, in: dags) : await runAttempt(spec, in: dags)
    }

    /// `dags test DAG …`. Started by `orch dags test` (the run's spec in ORCH_ATTEMPT_SPEC, `--mark-success TASK`
    /// for each task its pattern matched), or by hand — `swift run my-dags dags test my_dag [LOGICAL_DATE] [-c JSON]
    /// [--mark-success-pattern RE]`, the way an Airflow DAG file runs `dag.test()` — with ORCH_HOME's folder (default
    /// `./.orch`) as the tasks' home.
    static func testRunFromArguments(dagId: String, options: [String], in dags: BundleDAGs) async -> Int32 {
        if ProcessInfo.processInfo.environment[AttemptSpec.environmentKey] != nil {
            guard let spec = try? AttemptSpec.fromEnvironment(), spec.dagId == dagId else {
                printToStandardError("dags test: \(AttemptSpec.environmentKey) is not the spec of a run of \(dagId)\n")
                return 2
            }
            var marked = Set<String>()
            var rest = options[...]
            while let option = rest.popFirst() {
                guard option == "--mark-success", let task = rest.popFirst() else {
                    printToStandardError("dags test: unknown option \(option)\n")
                    return 2
                }
                marked.insert(task)
            }
            return await testRun(spec, markedSuccessful: marked, in: dags)
        }
        guard let dag = dags.dag(dagId) else {
            let ids = ((try? dags.all()) ?? []).map(\.id)
            let named = ids.count <= 10 ? ids : NameSuggestions.closest(to: dagId, among: ids)
            printToStandardError("dags test: no DAG '\(dagId)' in this bundle (\(ids.count) DAGs"
                                 + (named.isEmpty ? ")\n" : "; \(ids.count <= 10 ? "they are" : "did you mean") \(named.joined(separator: ", ")))\n"))
            return 2
        }
        do {
            let parsed = try TestRunOptions.parse(options)
            let spec = parsed.spec(dag: dag, taskId: "", home: OrchHome.fromEnvironment().rootPath)
            return await testRun(spec, markedSuccessful: try parsed.markedTasks(of: dag), in: dags)
        } catch {
            printToStandardError("dags test: \(error)\n")
            return 2
        }
    }
}

private func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
