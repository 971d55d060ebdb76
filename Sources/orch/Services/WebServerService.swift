import OrchAPI
import OrchRuntime
import ServiceLifecycle

/// The dashboard and API server: starts (loading the bundles first, which can take seconds; a SIGTERM meanwhile
/// stops it as soon as it is up), serves until the group shuts down, then finishes requests in flight and stops.
struct WebServerService: Service {
    let options: WebOptions
    let ctx: CLIContext

    func run() async throws {
        let server = try options.startServer(ctx: ctx)
        try? await gracefulShutdown()
        server.stop()
        OrchLog.webserver.info("web server stopped")
    }
}
