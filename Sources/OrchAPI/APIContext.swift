import Foundation
import OrchCore
import OrchHTTPServer
import OrchRuntime
import OrchStore

/// What every handler shares: the DAGs, the home folder, the token, and the database connections.
struct APIContext: Sendable {
    let bag: DAGBag
    let home: OrchHome
    let token: APIToken
    let readers: StorePool
    let writer: SQLiteStateStore
    let cache: ResponseCache?
    /// ORCH_HOME's free space and the last write that failed for lack of it.
    let storage: StorageGuard
    /// Reads need the token too (the server is bound to a non-loopback address).
    let readsNeedToken: Bool

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
        addDAGRoutes()
        addRunRoutes()
        addTaskRoutes()
        addLogRoutes()
        addQualityRoutes()
        addAlertRoutes()
    }

    /// A read-only route: the handler gets a store from the read pool. Unless `cached` is false, a 200 answer is
    /// reused until the database changes (see ``ResponseCache``).
    func get(_ pattern: String, cached: Bool = true,
             _ handler: @escaping @Sendable (HTTPRequest, SQLiteStateStore) throws -> HTTPResponse) {
        let ctx = context
        add("GET", pattern) { request in
            if ctx.readsNeedToken, pattern != "/health", let refusal = Self.unauthorized(request, ctx, reads: true) {
                return refusal
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

    /// A state-changing route: refused with 401 unless `Authorization: Bearer <token>` matches.
    func change(_ method: String, _ pattern: String,
                _ handler: @escaping @Sendable (HTTPRequest, SQLiteStateStore) throws -> HTTPResponse) {
        let ctx = context
        add(method, pattern) { request in
            if let refusal = Self.unauthorized(request, ctx, reads: false) { return refusal }
            if case .full(_, let reason) = ctx.storage.condition() {
                return HTTPResponse.error(507, "not saved: \(reason)")
            }
            let response: HTTPResponse
            do { response = try handler(request, ctx.writer) } catch {
                guard ctx.storage.noteFailure(error) else { throw error }
                return HTTPResponse.error(507, "not saved: \(ctx.storage.condition().reason ?? "\(error)")")
            }
            ctx.wakeScheduler()
            return response
        }
    }

    /// The 401 answer when the request lacks the right bearer token; nil when it carries it.
    private static func unauthorized(_ request: HTTPRequest, _ ctx: APIContext, reads: Bool) -> HTTPResponse? {
        guard !ctx.token.accepts(authorization: request.header("Authorization")) else { return nil }
        let what = reads ? "this server listens beyond loopback, so reads need" : "this request changes state and needs"
        var response = HTTPResponse.error(401, request.header("Authorization") == nil
            ? "\(what) the header 'Authorization: Bearer <token>' (the token is in ORCH_HOME/api-token or ORCH_API_TOKEN)"
            : "the bearer token is not valid; use the token from ORCH_HOME/api-token or ORCH_API_TOKEN")
        response.headers["WWW-Authenticate"] = "Bearer realm=\"orch\""
        return response
    }

    private func add(_ method: String, _ pattern: String,
                     _ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
        registered.append((method, "/api/v1" + pattern))
        router.add(method, "/api/v1" + pattern) { request in
            var response: HTTPResponse
            do { response = try handler(request) } catch { response = APIError.response(for: error) }
            if response.headers["Cache-Control"] == nil { response.headers["Cache-Control"] = "no-store" }
            return response
        }
    }
}
