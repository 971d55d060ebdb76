#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import OrchRuntime

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
            // No Dispatch or Swift concurrency until it forks (ForkServer). Each attempt's task is looked up here
            // before its fork (its DAG built the first time; a request for a DAG of the plain list builds the list),
            // and the child runs it.
            ForkServer.serve(prepare: { spec in
                guard let task = attemptTask(spec, in: registry) else { return { taskNotFound(spec) } }
                return { await runAttempt(spec, task: task) }
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
}

func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
