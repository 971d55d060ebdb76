import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

/// The worker API (issue 19): what `orch worker` on another machine calls. Lease (a long poll), heartbeat, log
/// chunks, XCom, completion, and the bundle executable by its SHA-256. Every call needs a token of role `worker`
/// (or admin); every call about a leased attempt also presents the lease's fencing token (``WorkerWire/leaseHeader``)
/// and is refused with 409 once that lease is not current. XCom calls are the task process's: the fencing token
/// alone authorizes them, for that attempt's run only, so the worker's token never reaches task code. None of these
/// calls is written to the audit log (heartbeats and log chunks would drown it).
extension APIRoutes {
    func addWorkerRoutes() {
        let ctx = context

        worker("POST", "/worker/lease") { request in
            let body = try Self.decodeBody(WorkerWire.LeaseRequest.self, request)
            guard !body.queues.isEmpty, body.slots >= 1 else {
                throw APIError.badRequest("send {\"queues\": [\"default\"], \"slots\": 1, \"worker\": \"host:pid\"}")
            }
            let wait = min(max(body.wait ?? WorkerWire.longestWait, 0), WorkerWire.longestWait)
            let who = String(body.worker.prefix(200))
            return .deferred { finish in
                Thread.detachNewThread {
                    finish(WorkerLeasePoll(ctx: ctx).answer(body, worker: who, wait: wait))
                }
            }
        }

        worker("POST", "/worker/attempts/{attempt_id}/heartbeat") { request in
            let lease = try Self.currentLease(request, ctx)
            guard try ctx.writer.heartbeatRemoteAttempt(attemptId: lease.attemptId, epoch: lease.epoch, now: Date()) else {
                return .error(409, "the lease of attempt \(lease.attemptId) is not current any more")
            }
            return Self.wire(WorkerWire.HeartbeatResponse(stop: lease.stopSignal))
        }

        // A chunk of the attempt's log, at the byte offset it starts at: appended once (a chunk sent again after a
        // lost answer is not written twice). The answer says how many bytes the log holds.
        worker("POST", "/worker/attempts/{attempt_id}/log") { request in
            let lease = try Self.currentLease(request, ctx)
            guard let offset = request.header(WorkerWire.offsetHeader).flatMap(Int.init), offset >= 0 else {
                throw APIError.badRequest("send the chunk's byte offset in the header \(WorkerWire.offsetHeader)")
            }
            guard let logPath = (try? JSONValue.parse(lease.spec))?["logPath"]?.stringValue else {
                throw APIError(500, "the spec of attempt \(lease.attemptId) names no log path")
            }
            let size = try RemoteLogFile.append(request.body, at: offset, to: logPath)
            return Self.wire(WorkerWire.LogResponse(size: size))
        }

        add("POST", "/worker/attempts/{attempt_id}/xcom") { request in
            let lease = try Self.currentLease(request, ctx, workerToken: false)
            let push = try Self.decodeBody(WorkerWire.XComPush.self, request)
            try ctx.writer.pushXCom(runPk: lease.runPk, taskId: lease.taskId, key: push.key, value: push.value, now: Date())
            return HTTPResponse(status: 204)
        }

        add("GET", "/worker/attempts/{attempt_id}/xcom") { request in
            let lease = try Self.currentLease(request, ctx, workerToken: false)
            guard let task = request.query["task"], let key = request.query["key"] else {
                throw APIError.badRequest("send the query parameters task and key")
            }
            let value = try ctx.readers.with { try $0.pullXCom(runPk: lease.runPk, taskId: task, key: key) }
            return Self.wire(WorkerWire.XComPulled(value: value))
        }

        worker("POST", "/worker/attempts/{attempt_id}/complete") { request in
            let lease = try Self.currentLease(request, ctx)
            let body = try Self.decodeBody(WorkerWire.Complete.self, request)
            guard try ctx.writer.completeRemoteAttempt(attemptId: lease.attemptId, epoch: lease.epoch,
                                                       outcome: body.outcome, now: Date()) else {
                return .error(409, "the lease of attempt \(lease.attemptId) is not current any more; its result is refused")
            }
            ctx.wakeScheduler()
            return HTTPResponse(status: 204)
        }

        // The bundle executable with this SHA-256 (only executables this server has loaded).
        worker("GET", "/worker/bundles/{sha256}") { request in
            let digest = request.path("sha256").lowercased()
            guard let path = ctx.workerBundle(digest), let data = FileManager.default.contents(atPath: path) else {
                throw APIError.notFound("no loaded bundle executable has the SHA-256 \(digest)")
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: [UInt8](data))
        }
    }

    /// A worker route: 401 without a valid token, 403 unless its role is worker or admin. Not audited.
    func worker(_ method: String, _ pattern: String, _ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
        let ctx = context
        add(method, pattern) { request in
            if case .refused(let refusal) = try Self.authorize(request, ctx, role: .worker, reads: false) { return refusal }
            return try handler(request)
        }
    }

    /// The lease named by the path and the fencing token, if current; otherwise 409 (or 400 for a malformed token).
    static func currentLease(_ request: HTTPRequest, _ ctx: APIContext, workerToken: Bool = true) throws -> RemoteAttemptRecord {
        guard let text = request.header(WorkerWire.leaseHeader), let token = FencingToken(text) else {
            throw APIError.badRequest("send the lease's fencing token in the header \(WorkerWire.leaseHeader)")
        }
        guard String(token.attemptId) == request.path("attempt_id") else {
            throw APIError.badRequest("the fencing token is for attempt \(token.attemptId), not \(request.path("attempt_id"))")
        }
        let given = TokenSecret.hash(token.secret)
        switch try ctx.writer.checkLease(attemptId: token.attemptId, epoch: token.epoch,
                                         matches: { TokenSecret.constantTimeEqual($0, given) }) {
        case .current(let record): return record
        case .refused(let reason): throw APIError.conflict(reason)
        }
    }

    /// A worker API answer in the wire format (snake_case keys).
    static func wire<T: Encodable>(_ value: T) -> HTTPResponse {
        do { return .json(200, try WorkerWire.encode(value)) } catch {
            return .error(500, "could not encode the answer: \(error)")
        }
    }

    static func decodeBody<T: Decodable>(_ type: T.Type, _ request: HTTPRequest) throws -> T {
        do { return try WorkerWire.decode(type, from: request.body) } catch {
            throw APIError.badRequest("the request body is not a valid \(type): \(error)")
        }
    }
}

/// One lease request held until an attempt of the worker's queues is offered or the wait is over. It waits on
/// ``OfferSignal`` (the scheduler in this process notifies it) and looks at the database at least every
/// ``recheckInterval`` seconds (a scheduler in another process cannot notify it): no busy loop.
struct WorkerLeasePoll {
    static let recheckInterval: Double = 1
    let ctx: APIContext

    func answer(_ body: WorkerWire.LeaseRequest, worker: String, wait: Double) -> HTTPResponse {
        let deadline = Date().addingTimeInterval(wait)
        do {
            while true {
                let seen = OfferSignal.shared.current
                let leases = try lease(body, worker: worker)
                if !leases.isEmpty {
                    ctx.wakeScheduler()
                    return APIRoutes.wire(WorkerWire.LeaseResponse(leases: leases))
                }
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return HTTPResponse(status: 204) }
                OfferSignal.shared.wait(after: seen, timeout: min(left, Self.recheckInterval))
            }
        } catch {
            return APIError.response(for: error)
        }
    }

    func lease(_ body: WorkerWire.LeaseRequest, worker: String) throws -> [WorkerWire.Lease] {
        var secrets: [Int64: String] = [:]
        let rows = try ctx.writer.leaseRemoteAttempts(queues: body.queues, worker: worker, limit: body.slots, now: Date(),
                                                         unacknowledgedAfter: ctx.workerLeaseTimeout) { id in
            let secret = TokenSecret.generate()
            secrets[id] = secret
            return TokenSecret.hash(secret)
        }
        return rows.compactMap { r in
            guard let secret = secrets[r.attemptId] else { return nil }
            return WorkerWire.Lease(token: FencingToken(attemptId: r.attemptId, epoch: r.epoch, secret: secret).text,
                                    attemptId: r.attemptId, bundleSha256: r.bundleSHA256, spec: r.spec,
                                    leaseTimeout: ctx.workerLeaseTimeout,
                                    heartbeatInterval: max(0.2, ctx.workerLeaseTimeout / 3))
        }
    }
}
