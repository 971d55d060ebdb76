import Foundation

/// Which of the scheduler's environment variables reach a task process. A task gets the ordinary variables
/// below, the ORCH_* variables describing its attempt, and the variables its DAG asks for by name
/// (`DAG.environment`); nothing else. orch's own secrets never reach a task, even when a DAG asks.
///
/// (Tasks with `isolation: .inProcess` run inside the scheduler and can read its whole environment; their shell
/// commands still get only this.)
public enum TaskEnvironment {
    /// Passed to every task: what programs expect to find.
    public static let ordinary: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR", "HOSTNAME",
        "LD_LIBRARY_PATH",
    ]
    /// Passed to every task when set: locale categories.
    public static let ordinaryPrefixes = ["LC_"]
    /// Set for a task of a bundle DAG: the bundle as configured (its package folder or executable). The task runs
    /// on a content-addressed copy of the executable under ORCH_HOME/bundles (its run's DAG version), so
    /// `/proc/self/exe` is not beside the package's files; this is.
    public static let bundleSourceKey = "ORCH_BUNDLE_SOURCE"
    /// orch's own secrets: never passed.
    public static let secrets: Set<String> = ["ORCH_API_TOKEN", "ORCH_ALERT_SECRET", "ORCH_ALERT_WEBHOOKS"]

    /// The ordinary variables of `host`.
    public static func base(_ host: [String: String]) -> [String: String] {
        host.filter { key, _ in ordinary.contains(key) || ordinaryPrefixes.contains { key.hasPrefix($0) } }
    }

    /// The variables of `host` that `names` ask for: a name, or a prefix ending in `*` (`PG*`). Secrets and
    /// the attempt's own ORCH_ATTEMPT_SPEC are left out.
    public static func requested(_ names: [String], from host: [String: String]) -> [String: String] {
        guard !names.isEmpty else { return [:] }
        return host.filter { key, _ in
            guard !secrets.contains(key), key != AttemptSpec.environmentKey else { return false }
            return names.contains { name in
                name.hasSuffix("*") ? key.hasPrefix(name.dropLast()) : key == name
            }
        }
    }

    /// Sets `variables` in this process's environment (the attempt's process, before its task starts).
    public static func apply(_ variables: [String: String]) {
        for (key, value) in variables { setenv(key, value, 1) }
    }
}
