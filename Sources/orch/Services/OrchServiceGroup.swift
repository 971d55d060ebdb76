#if canImport(Glibc)
import Glibc
#endif
import Logging
import OrchRuntime
import ServiceLifecycle

/// The long-running parts of `orch scheduler`, `orch serve` and `orch webserver` as services of one
/// `ServiceGroup`, which owns shutdown: SIGTERM or SIGINT asks each service to stop gracefully, the last one listed
/// first (the scheduler drains before the web server and the alert delivery stop). A service that ends by itself
/// (the scheduler losing its lease) shuts the others down the same way; one that throws cancels the group and
/// its error becomes the command's.
enum OrchServiceGroup {
    static func run(_ services: [any Service], logger: Logger = OrchLog.scheduler) async throws {
        // A long-running service outlives whoever reads its output: a write to a closed pipe or socket fails
        // (EPIPE, the line is dropped: StandardErrorLine) instead of killing the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let configured = services.map {
            ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
        }
        var configuration = ServiceGroupConfiguration(services: configured, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        try await ServiceGroup(configuration: configuration).run()
    }
}
