import Foundation
import Logging
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

/// What every handler shares: the DAGs, the home folder, the token, and the database connections.
struct APIContext: Sendable {
    /// The DAGs as loaded now (a serving scheduler reloads them when a bundle changes).
    let bags: @Sendable () -> DAGBag
    var bag: DAGBag { bags() }
    let home: OrchHome
    let token: APIToken
    /// Resolves a request's bearer token to a principal (the legacy token or a named one).
    let auth: Authenticator
    let readers: StorePool
    let writer: SQLiteStateStore
    let cache: ResponseCache?
    /// ORCH_HOME's free space and the last write that failed for lack of it.
    let storage: StorageGuard
    /// Reads need the token too (the server is bound to a non-loopback address).
    let readsNeedToken: Bool
    /// The `openapi/` folder, when found.
    let openAPIRoot: String?
    /// The Insights dashboards of the DAG bundle (none: an empty catalog).
    let insights: InsightsCatalog
    /// The bundles' import errors as they are now.
    let importErrors: @Sendable () -> [BundleImportError]
    /// The scheduler's worker slots, for "why is it waiting".
    var workerSlots = ProcessInfo.processInfo.activeProcessorCount
    /// The remote workers' lease timeout (``APIConfiguration/workerLeaseTimeout``).
    var workerLeaseTimeout: Double = 30
    /// The bundle executable with a SHA-256 (``APIConfiguration/workerBundle``).
    var workerBundle: @Sendable (String) -> String? = { _ in nil }

    /// The DAG named in the path, or 404.
    func dag(_ id: String) throws -> DAG {
        guard let dag = bag.dag(id) else {
            throw APIError.notFound("no DAG '\(id)'; GET /api/v1/dags lists the DAGs")
        }
        return dag
    }

    /// The run named in the path, or 404.
    func run(_ store: SQLiteStateStore, dagId: String, runId: String) throws -> RunRecord {
        guard let run = try store.run(dagId: dagId, runId: runId) else {
            throw APIError.notFound("DAG '\(dagId)' has no run '\(runId)'; GET /api/v1/dags/\(dagId)/runs lists them")
        }
        return run
    }

    /// Tells a running scheduler that something changed, so it acts at once.
    func wakeScheduler() {
        WakeSocket.notify(home.wakeSocketPath)
    }
}

/// The route table. Reads run on a pooled connection; state changes check the bearer token first.
final class APIRoutes: @unchecked Sendable {
    let router = Router()
    let context: APIContext
    /// Registered (method, pattern) pairs, for the OpenAPI check. Written only during init.
    private(set) var registered: [(method: String, pattern: String)] = []

    init(context: APIContext) {
        self.context = context
        addMetaRoutes()
        addImportErrorRoutes()
        addDAGRoutes()
        addRunRoutes()
        addBulkRoutes()
        addTaskRoutes()
        addLogRoutes()
        addQualityRoutes()
        addAlertRoutes()
        addAssetRoutes()   // issue 14
        addAuditRoutes()
        addTokenRoutes()
        addAirflowRoutes()
        addTaskActionRoutes()
        addFailureRoutes()
        addAuthRoutes()
        addInsightsRoutes()
        addWorkerRoutes()   // issue 19: remote workers
    }

    /// A read-only route: the handler gets a store from the read pool. Unless `cached` is false, a 200 answer is
    /// reused until the database changes (see ``ResponseCache``). A `viewer` route needs a token only when the
    /// server listens beyond loopback (never when `open`: health, version, the OpenAPI documents); a route for a
    /// higher role (the audit log) always needs one of that role.
    func get(_ pattern: String, cached: Bool = true, role: Role = .viewer, api: APIFlavor = .orch, open: Bool = false,
             _ handler: @escaping @Sendable (HTTPRequest, SQLiteStateStore) throws -> HTTPResponse) {
        let ctx = context
        let open = open || (api == .orch && pattern == "/health")
        add("GET", pattern, api: api) { request in
            if role > .viewer || (ctx.readsNeedToken && !open) {
                if case .refused(let refusal) = try Self.authorize(request, ctx, role: role, reads: role == .viewer) {
                    return refusal
                }
            }
            guard cached, let cache = ctx.cache else { return try ctx.readers.with { store in try handler(request, store) } }
            let key = ResponseCache.key(request)
            let generation = cache.currentGeneration()
            if let hit = cache.lookup(key, generation: generation) { return hit }
            let response = try ctx.readers.with { store in try handler(request, store) }
            if response.status == 200 { cache.store(key, generation: generation, response) }
            return response
        }
    }

    /// A state-changing route: refused with 401 unless `Authorization: Bearer <token>` names an active token,
    /// 403 unless that token's role permits `role`. Every change that succeeds is written to the audit log as
    /// `action` on the path's ids (see ``AuditTarget``).
    func change(_ method: String, _ pattern: String, role: Role, action: String, api: APIFlavor = .orch,
                _ handler: @escaping @Sendable (HTTPRequest, SQLiteStateStore) throws -> HTTPResponse) {
        let ctx = context
        add(method, pattern, api: api) { request in
            let principal: Principal
            switch try Self.authorize(request, ctx, role: role, reads: false) {
            case .refused(let refusal): return refusal
            case .allowed(let who): principal = who
            }
            if case .full(_, let reason) = ctx.storage.condition() {
                return HTTPResponse.error(507, "not saved: \(reason)")
            }
            let response: HTTPResponse
            do { response = try handler(request, ctx.writer) } catch {
                guard ctx.storage.noteFailure(error) else { throw error }
                return HTTPResponse.error(507, "not saved: \(ctx.storage.condition().reason ?? "\(error)")")
            }
            if (200..<300).contains(response.status) {
                // The change is made; an audit write that fails (disk full) is logged, not turned into an error.
                do {
                    try ctx.writer.appendAudit(AuditEntry(
                        actor: principal.name, role: principal.role, action: action,
                        target: AuditTarget.ids(request: request, response: response),
                        source: request.remoteAddress ?? "unknown", status: response.status), now: Date())
                } catch {
                    OrchLog.webserver.error("audit entry not written", metadata: [
                        "action": "\(action)", "actor": "\(principal.name)", "error": "\(error)"])
                }
            }
            ctx.wakeScheduler()
            return response
        }
    }

    /// A route that only checks the bearer token: 200 naming its holder and role, 401 without a valid token. It
    /// changes nothing, so it writes no audit entry, needs no disk space and does not wake the scheduler.
    func tokenCheck(_ method: String, _ pattern: String) {
        let ctx = context
        add(method, pattern) { request in
            switch try Self.authorize(request, ctx, role: .viewer, reads: false) {
            case .refused(let refusal): return refusal
            case .allowed(let who): return .api(AuthCheckDTO(ok: true, name: who.name, role: who.role.rawValue))
            }
        }
    }

    enum Authorization {
        case allowed(Principal)
        case refused(HTTPResponse)
    }

    /// 401 without a valid token, 403 when the token's role is below `role`.
    static func authorize(_ request: HTTPRequest, _ ctx: APIContext, role: Role, reads: Bool) throws -> Authorization {
        guard let principal = try ctx.auth.principal(of: request) else {
            return .refused(unauthorized(request, reads: reads))
        }
        guard principal.role.permits(role) else {
            return .refused(HTTPResponse.error(403, "the token '\(principal.name)' has the role \(principal.role.rawValue); "
                + "this request needs \(role.rawValue) or above (an admin creates tokens with `orch tokens create --role`)"))
        }
        return .allowed(principal)
    }

    /// The 401 answer when the request lacks a valid bearer token.
    private static func unauthorized(_ request: HTTPRequest, reads: Bool) -> HTTPResponse {
        let what = reads ? "this server listens beyond loopback, so reads need" : "this request needs"
        var response = HTTPResponse.error(401, request.header("Authorization") == nil
            ? "\(what) the header 'Authorization: Bearer <token>' (the admin token is in ORCH_HOME/api-token or "
                + "ORCH_API_TOKEN; `orch tokens create` makes others)"
            : "the bearer token is not valid (unknown or revoked); use a token from `orch tokens create`, "
                + "ORCH_HOME/api-token or ORCH_API_TOKEN")
        response.headers["WWW-Authenticate"] = "Bearer realm=\"orch\""
        return response
    }

    /// Registers `handler` at `api.prefix + pattern`. Errors take the flavour's shape: orch's `{status, message}`,
    /// or Airflow's `{detail}` (see ``AirflowErrors``).
    func add(_ method: String, _ pattern: String, api: APIFlavor = .orch,
             _ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
        registered.append((method, api.prefix + pattern))
        router.add(method, api.prefix + pattern) { request in
            var response: HTTPResponse
            do { response = try handler(request) } catch { response = APIError.response(for: error) }
            if api != .orch { response = AirflowErrors.translate(response) }
            if response.headers["Cache-Control"] == nil { response.headers["Cache-Control"] = "no-store" }
            response.headers[RouteLabel.header] = api.prefix + pattern
            return response
        }
    }
}
