import Foundation

/// Bundle helpers started before the pool that will use them exists: `orch run` starts its DAG's task host or
/// fork server as soon as it knows the bundle executable (``BundleLoader/locate(_:from:environment:cache:)``),
/// while it still decodes and syncs the DAG and creates the run, instead of after. A pool ``WorkerPool/adopt(_:)``s them; one nothing adopts ends
/// with this process (its request pipe closes).
public final class PrestartedHelpers: @unchecked Sendable {
    let taskHosts: [String: TaskHostClient]
    let forkServers: [String: ForkServerClient]

    /// Starts, each on a thread of its own, a task host for each of `taskHostsFor` and a fork server for each of
    /// `forkServersFor` (executable paths), unless turned off as for the pool (``HelperSwitches``).
    public init(taskHostsFor: Set<String>, forkServersFor: Set<String>, switches: HelperSwitches = HelperSwitches()) {
        let hosts = switches.taskHost ? taskHostsFor : []
        let servers = switches.forkServer ? forkServersFor : []
        let idle = switches.idleSeconds
        taskHosts = Dictionary(uniqueKeysWithValues: hosts.map {
            ($0, TaskHostClient(executable: $0, idleSeconds: idle))
        })
        forkServers = Dictionary(uniqueKeysWithValues: servers.map {
            ($0, ForkServerClient(executable: $0, idleSeconds: idle))
        })
        for host in taskHosts.values { Thread.detachNewThread { _ = host.isAvailable() } }
        for server in forkServers.values { Thread.detachNewThread { server.warmUp() } }
    }
}
