import DAGs
import Dispatch
import Foundation
import OrchRuntime

/// The process entry point. `orch __fork-server` (started by the worker pool) must stay single-threaded
/// until it forks, so it is dispatched here before anything starts Swift concurrency; every other
/// command runs through swift-argument-parser.
@main
enum Entry {
    static func main() {
        // Everything orch creates (orch.db and its -wal/-shm, logs, the API token, data) is private to the user;
        // task processes inherit this umask.
        umask(0o077)
        if CommandLine.arguments.dropFirst().first == "__fork-server" {
            ForkServer.serve(warm: { spec in _ = DAGRegistry.dag(spec.dagId) },
                             runChild: { spec in runAttemptBlocking(spec) })
        }
        OrchLog.bootstrap()
        Task {
            await OrchCommand.main()
            exit(0)
        }
        dispatchMain()
    }
}

/// In a forked child: run the attempt on Swift concurrency (started fresh in this process) and wait for it.
private func runAttemptBlocking(_ spec: AttemptSpec) -> Int32 {
    let done = DispatchSemaphore(value: 0)
    let code = ExitCodeBox()
    Task.detached {
        code.value = await runAttempt(spec)
        done.signal()
    }
    done.wait()
    return code.value
}

private final class ExitCodeBox: @unchecked Sendable {
    var value: Int32 = 1
}
