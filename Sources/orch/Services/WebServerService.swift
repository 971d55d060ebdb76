import OrchAPI
import OrchRuntime
import ServiceLifecycle

/// The dashboard and API server: starts (loading the bundles first, which can take seconds; a SIGTERM meanwhile
/// stops it as soon as it is up), serves until the group shuts down, then finishes requests in flight and stops.
struct WebServerService: Service {
    let options: WebOptions
    let ctx: CLIContext

    func run() async throws {
        // With no database yet (a first start) and a full disk, there is nothing to serve: wait for space.
        let server: APIServer
        do {
            server = try await DiskFullStartUp.run("start the web server", logger: OrchLog.webserver) { try options.startServer(ctx: ctx) }
        } catch is DiskFullStartUp.ShutDown { return }
        try? await gracefulShutdown()
        server.stop()
        OrchLog.webserver.info("web server stopped")
    }
}
