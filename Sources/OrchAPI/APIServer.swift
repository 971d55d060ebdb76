import Foundation
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

/// The orch web server: the REST API under `/api/v1` and the dashboard's static files, on one libmicrohttpd
/// server. Reads use a small pool of connections; writes go through one store and wake the scheduler.
public final class APIServer: Sendable {
    public let configuration: APIConfiguration
    private let http: HTTPServer
    private let api: APIRoutes

    /// Opens the database (applying missing migrations) and prepares the routes. Call ``start()`` to listen.
    public init(configuration: APIConfiguration) throws {
        self.configuration = configuration
        let location = try configuration.stateLocation ?? configuration.home.stateLocation()
        let writer = try SQLStateStore(location: location)
        let readers = try StorePool(location: location, size: configuration.threads)
        var context = APIContext(bags: configuration.currentBag ?? { [bag = configuration.bag] in bag }, home: configuration.home, token: configuration.token,
                                 auth: Authenticator(legacy: configuration.token, readers: readers),
                                 readers: readers, writer: writer,
                                 // PostgreSQL has no cheap "changed since" signal: no response cache there.
                                 cache: configuration.cacheResponses && writer.dialect == .sqlite
                                     ? try ResponseCache(path: writer.path) : nil,
                                 storage: StorageGuard(folder: configuration.home.root.path),
                                 readsNeedToken: configuration.readsNeedToken,
                                 openAPIRoot: configuration.openAPIRoot,
                                 insights: InsightsCatalog(configuration: configuration.insights),
                                 importErrors: configuration.importErrors)
        context.workerSlots = configuration.workerSlots
        context.workerLeaseTimeout = configuration.workerLeaseTimeout
        context.workerBundle = configuration.workerBundle
        let api = APIRoutes(context: context)
        self.api = api
        MetricsExporter.install()
        let gauges = StateGauges(bag: configuration.bag, location: location)
        let statics = configuration.webRoot.map { StaticFiles(root: $0) }
        let hosts = AllowedHosts(boundAddress: configuration.host, configured: configuration.allowedHosts)
        let route: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            guard hosts.permits(hostHeader: request.header("Host")) else {
                return .error(421, "this server does not answer to the host '\(request.header("Host") ?? "")'; "
                    + "use http://\(configuration.host):\(configuration.port)/ or add the name with --allowed-hosts "
                    + "(or ORCH_ALLOWED_HOSTS)")
            }
            if request.path == "/api" || request.path.hasPrefix("/api/") || request.path.hasPrefix("/auth/") {
                let response = api.router.respond(to: request)
                return APIFlavor.of(path: request.path) == .orch ? response : AirflowErrors.translate(response)
            }
            if request.path == "/metrics" { return api.metrics(request, gauges: gauges) }
            if let statics, let response = statics.handle(request) { return response }
            if request.method != "GET" && request.method != "HEAD" {
                var response = HTTPResponse.error(405, "method \(request.method) is not allowed on \(request.path); "
                    + "the dashboard is read with GET, the API lives under /api/v1")
                response.headers["Allow"] = "GET, HEAD"
                return response
            }
            return .error(404, "not found: \(request.path)")
        }
        var server = HTTPServerConfiguration(
            host: configuration.host, port: configuration.port, threads: configuration.threads,
            maxBodyBytes: configuration.maxBodyBytes, threadNice: configuration.threadNice)
        // Refusals the HTTP layer makes itself (bad target, 413, 414, 431) take Airflow's shape under /api/v2.
        server.refusalShaper = { rawTarget, response in
            APIFlavor.of(path: rawTarget ?? "") == .orch ? response : AirflowErrors.translate(response)
        }
        http = HTTPServer(configuration: server) { request in
            let started = DispatchTime.now().uptimeNanoseconds
            var response = route(request)
            // The matched pattern, never the raw path: one series per route, whatever the ids.
            let label = response.headers.removeValue(forKey: RouteLabel.header)
                ?? (request.path == "/metrics" ? "/metrics" : [404, 405, 421].contains(response.status) ? "unmatched" : "static")
            OrchMetrics.recordHTTP(route: label, method: request.method, status: response.status,
                                   seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            return response
        }
    }

    /// Binds and serves. Throws when the port is taken or the host is not an IPv4 address.
    public func start() throws { try http.start() }

    /// Finishes requests in flight, then closes every connection.
    public func stop() { http.stop() }

    /// The bound port while running.
    public var port: Int { http.port }

    /// Every API route as (method, pattern), e.g. `("GET", "/api/v1/dags/{dag_id}")`.
    public var routes: [(method: String, pattern: String)] { api.registered }
}
