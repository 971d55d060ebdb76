import ArgumentParser
import Dispatch
import Foundation
import OrchAPI
import OrchRuntime
import OrchStore

/// Options shared by `orch webserver` and `orch serve`.
struct WebOptions: ParsableArguments {
    @Option(help: "Address to bind (IPv4). Default 127.0.0.1: only this machine can connect.") var host = "127.0.0.1"
    @Option(help: "TCP port of the dashboard and API.") var port = 8080
    @Option(help: "HTTP server threads (each has its own read connection to the database).") var threads = 4
    @Option(name: .customLong("web-nice"),
            help: "Nice value of the HTTP threads, 0-19: dashboard and API load yields the CPU to the scheduler and tasks.")
    var webNice = 10
    @Option(name: .customLong("allowed-hosts"),
            help: "Host names (comma-separated) the server answers to besides its address and localhost, e.g. orch.example.com; '*' for any. Default: ORCH_ALLOWED_HOSTS.")
    var allowedHosts: String?

    /// Starts the API server on the DAGs and database of `ctx`. Prints where it listens, never the token.
    func validate() throws {
        guard (0...19).contains(webNice) else {
            throw ValidationError("--web-nice must be 0-19 (higher yields more CPU to the scheduler), got \(webNice)")
        }
    }

    func startServer(ctx: CLIContext) throws -> APIServer {
        let bag = try ctx.bag()
        do { _ = try ctx.syncedStore(bag) } catch where DiskFull.caused(error) {
            // The database holds the DAGs of the last start; /health says the disk is full, triggers answer 507.
            OrchLog.webserver.warning("could not record the loaded DAGs, the disk is full (\(error)); serving the database as it is")
        }
        FreedMemory.giveBack()
        let token = try APIToken.load(path: ctx.home.tokenPath)
        var configuration = APIConfiguration(home: ctx.home, bag: bag, host: host, port: port, threads: threads,
                                             token: token, threadNice: webNice,
                                             allowedHosts: AllowedHosts.parseList(
                                                 allowedHosts ?? ProcessInfo.processInfo.environment["ORCH_ALLOWED_HOSTS"]))
        let insights = ctx.insights()
        configuration.insights = insights.configuration
        if let problem = insights.problem { OrchLog.webserver.error("connections: \(problem)") }
        // As loaded now: `orch serve` reloads changed bundles (BundleSelection.replace).
        configuration.importErrors = { [home = ctx.home] in BundleSelection.loaded(home).errors }
        configuration.currentBag = { [home = ctx.home] in BundleSelection.loaded(home).bag }
        // Remote workers: the scheduler's lease timeout (told to workers with each lease), and the bundle
        // executables the worker API may serve, by their SHA-256: the versions stored under ORCH_HOME/bundles (what
        // runs are pinned to), and the executables loaded now.
        configuration.workerLeaseTimeout = Settings.load(ctx.home).remoteBoard(queuesOption: nil).leaseTimeout
        BundleDigests.shared.register(Set(ctx.bundles().executables.values))
        configuration.workerBundle = { [home = ctx.home] digest in
            BundleExecutableStore.stored(home: home, sha256: digest) ?? BundleDigests.shared.path(forDigest: digest)
        }
        let server = try APIServer(configuration: configuration)
        try server.start()
        let tokenSource = ProcessInfo.processInfo.environment["ORCH_API_TOKEN"]?.isEmpty == false
            ? "ORCH_API_TOKEN" : ctx.home.tokenPath
        OrchLog.webserver.notice(
            "web server on http://\(host):\(server.port)/ (API under /api/v1, metrics at /metrics; admin token: \(tokenSource))")
        if server.configuration.readsNeedToken {
            OrchLog.webserver.notice("listening on \(host), beyond loopback: reads need a bearer token too (except /api/v1/health)")
        }
        for problem in InsightsCheck.staticProblems(server.configuration.insights) {
            OrchLog.webserver.error("dashboard import error: \(problem)")
        }
        if server.configuration.webRoot == nil {
            OrchLog.webserver.warning("no web/ folder found, so only the API is served; set ORCH_WEB_DIR to the dashboard folder")
        }
        if server.configuration.openAPIRoot == nil {
            OrchLog.webserver.warning("no openapi/ folder found, so the OpenAPI documents answer 500; set ORCH_OPENAPI_DIR")
        }
        return server
    }
}

struct WebserverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webserver",
        abstract: "Serve the dashboard and REST API alone, on the same database as a scheduler running elsewhere.",
        discussion: "SIGTERM/SIGINT finish requests in flight and stop.")

    @OptionGroup var web: WebOptions
    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.apply()
        let ctx = try CLIContext()
        try await OrchServiceGroup.run([WebServerService(options: web, ctx: ctx)], logger: OrchLog.webserver)
    }
}
