import Foundation
import OrchCore
import OrchObservability
import OrchStore

/// What the API server needs: where the state lives, the DAGs, how to listen, the token, the dashboard files.
public struct APIConfiguration: Sendable {
    public var home: OrchHome
    public var bag: DAGBag
    /// IPv4 address to bind; loopback unless the operator says otherwise.
    public var host: String
    /// TCP port; 0 picks a free one (read it back from ``APIServer/port``).
    public var port: Int
    /// Server threads; each gets its own read connection to the database.
    public var threads: Int
    /// Largest request body accepted (413 past it).
    public var maxBodyBytes: Int
    public var token: APIToken
    /// The dashboard folder (`web/`); nil serves the API alone.
    public var webRoot: String?
    /// Reuse GET answers until the database changes (``ResponseCache``). `ORCH_API_CACHE=0` turns it off.
    public var cacheResponses: Bool
    /// Nice value of the server threads (0-19): requests yield the CPU to the scheduler, the worker pool and the
    /// tasks, so a busy dashboard cannot delay a run. 0 serves at the process's own priority.
    public var threadNice: Int
    /// Host names (besides the bound address and loopback names) that requests may carry in `Host`; see
    /// ``AllowedHosts``. Default: `ORCH_ALLOWED_HOSTS`, comma-separated.
    public var allowedHosts: [String]
    /// Reads need the bearer token too. Default: when bound to anything but loopback.
    public var readsNeedToken: Bool
    /// The folder of the OpenAPI documents (`openapi/`); see ``OpenAPIDocuments``.
    public var openAPIRoot: String?
    /// The dashboards the DAG bundle declares, their connections and query limits (Insights).
    public var insights: InsightsConfiguration = .none
    /// The bundles' import errors as they are now (`GET /importErrors`, the dashboard's banner).
    public var importErrors: @Sendable () -> [BundleImportError]
    /// The DAGs as loaded now, when they can change while serving (`orch serve` reloads changed bundles);
    /// nil: `bag` for the server's life.
    public var currentBag: (@Sendable () -> DAGBag)? = nil
    /// The scheduler's worker slots, for "why is it waiting" (`orch serve` passes its own).
    public var workerSlots = ProcessInfo.processInfo.activeProcessorCount
    /// The state database; nil: the home's (`ORCH_STATE_DSN`, else the SQLite file in the home).
    public var stateLocation: StateLocation?
    /// The scheduler's lease timeout for remote workers, told to them with each lease (they heartbeat at a third).
    public var workerLeaseTimeout: Double = 30
    /// The bundle executable with this SHA-256 (hex), if the server has loaded it (`GET /worker/bundles/{sha256}`);
    /// the CLI wires it to the runtime's digests. nil: none is served.
    public var workerBundle: @Sendable (String) -> String? = { _ in nil }

    public init(home: OrchHome, bag: DAGBag, host: String = "127.0.0.1", port: Int = 8080, threads: Int = 4,
                maxBodyBytes: Int = 1 << 20, token: APIToken, webRoot: String? = WebRoot.locate(),
                cacheResponses: Bool = ProcessInfo.processInfo.environment["ORCH_API_CACHE"] != "0",
                threadNice: Int = 0,
                allowedHosts: [String] = AllowedHosts.parseList(ProcessInfo.processInfo.environment["ORCH_ALLOWED_HOSTS"]),
                readsNeedToken: Bool? = nil, openAPIRoot: String? = OpenAPIDocuments.locate(),
                importErrors: @escaping @Sendable () -> [BundleImportError] = { [] }) {
        self.home = home
        self.bag = bag
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.token = token
        self.webRoot = webRoot
        self.cacheResponses = cacheResponses
        self.threadNice = threadNice
        self.allowedHosts = allowedHosts
        self.readsNeedToken = readsNeedToken ?? !AllowedHosts.isLoopback(host)
        self.openAPIRoot = openAPIRoot
        self.importErrors = importErrors
    }
}

/// Finds the dashboard's `web/` folder: `ORCH_WEB_DIR`, else walking up from the executable and the working
/// directory (as the migrations are found).
public enum WebRoot {
    public static func locate() -> String? {
        if let env = ProcessInfo.processInfo.environment["ORCH_WEB_DIR"], !env.isEmpty { return env }
        return BundledFolder.locate("web", containing: "index.html")?.path
    }
}
