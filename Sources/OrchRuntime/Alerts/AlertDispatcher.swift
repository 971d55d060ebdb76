import Foundation
import Logging
import OrchStore

/// Sends alerts from the SQLite outbox: claims due ones (so each is in flight at most once, across
/// processes), POSTs them, records every attempt, and reschedules failures with ``AlertBackoff`` until
/// `maxAgeSeconds`, then marks them failed. All state lives in the database: a new dispatcher on the same
/// file carries on where a stopped one left off. Logs name the delivery id and the redacted target only.
///
/// Lifecycle: `initial` → ``start()`` → `running` → ``stop()`` → `stopped`. ``deliverDue()`` and
/// ``flush(createdSince:within:)`` also work without the loop (`orch run`, tests).
public final class AlertDispatcher: @unchecked Sendable {
    /// Tuning; the defaults are production values, tests shorten the backoff.
    public struct Options: Sendable {
        public var timeoutSeconds: Double
        public var maxAgeSeconds: Double
        public var backoff: AlertBackoff
        /// Alerts sent at once.
        public var concurrency: Int
        /// Longest sleep between looks at the outbox (alerts written by other processes wake nobody).
        public var idlePollSeconds: Double
        /// The OpenLineage endpoint's API key header goes with the lineage events sent to it.
        public var openLineage: OpenLineageConfiguration

        public init(timeoutSeconds: Double = 10, maxAgeSeconds: Double = 24 * 3600, backoff: AlertBackoff = AlertBackoff(),
                    concurrency: Int = 4, idlePollSeconds: Double = 5,
                    openLineage: OpenLineageConfiguration = OpenLineageConfiguration()) {
            self.openLineage = openLineage
            self.timeoutSeconds = timeoutSeconds
            self.maxAgeSeconds = maxAgeSeconds
            self.backoff = backoff
            self.concurrency = concurrency
            self.idlePollSeconds = idlePollSeconds
        }

        public init(_ config: AlertConfiguration, openLineage: OpenLineageConfiguration = OpenLineageConfiguration()) {
            self.init(timeoutSeconds: config.timeoutSeconds, maxAgeSeconds: config.maxAgeHours * 3600,
                      openLineage: openLineage)
        }
    }

    public enum State: Sendable, Equatable { case initial, running, stopping, stopped }

    let store: SQLiteStateStore
    public let options: Options
    let sender: WebhookSender
    let log: @Sendable (String) -> Void
    let clock: @Sendable () -> Date
    private let signal = AsyncSignal()
    private let lock = NSLock()
    private var currentState = State.initial
    private var loopTask: Task<Void, Never>?

    public init(store: SQLiteStateStore, secret: String?, options: Options = Options(),
                log: @escaping @Sendable (String) -> Void = { OrchLog.alerts.info("\($0)") },
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.options = options
        self.sender = WebhookSender(secret: secret, timeoutSeconds: options.timeoutSeconds)
        self.log = log
        self.clock = clock
    }

    public var state: State { lock.withLock { currentState } }

    /// Look at the outbox now (new alerts were written).
    public func wake() { signal.notify() }

    /// The outbox writes of this process that the last ``wakeForNewAlerts()`` saw. Guarded by `lock`.
    private var seenOutboxWrites = -1

    /// Looks at the outbox now if this process committed alerts since the last call (``OutboxWrites``); the
    /// scheduler calls it every turn, so a turn that wrote none costs the dispatcher nothing.
    public func wakeForNewAlerts() {
        let writes = OutboxWrites.count
        let moved: Bool = lock.withLock {
            defer { seenOutboxWrites = writes }
            return writes != seenOutboxWrites
        }
        if moved { signal.notify() }
    }

    /// Starts the delivery loop in the background.
    public func start() {
        lock.withLock {
            guard currentState == .initial || currentState == .stopped else { return }
            currentState = .running
            loopTask = Task { await self.loop() }
        }
    }

    /// Stops the loop after the attempts in flight end (each is bounded by the timeout).
    public func stop() async {
        let task: Task<Void, Never>? = lock.withLock {
            guard currentState == .running else { return nil }
            currentState = .stopping
            return loopTask
        }
        signal.notify()
        await task?.value
        lock.withLock { currentState = .stopped; loopTask = nil }
    }

    private var isRunning: Bool { state == .running }

    private func loop() async {
        while isRunning {
            var sleep = options.idlePollSeconds
            do {
                if try await deliverDue() > 0 { continue }
                if let next = try store.nextAlertDue() { sleep = min(sleep, next.timeIntervalSince(clock())) }
            } catch {
                log("alerts: cannot read the outbox: \(error)")
            }
            guard isRunning else { break }
            await signal.wait(timeout: max(0.005, sleep))
        }
    }

    /// One pass: claims the alerts due now (up to `concurrency`) and sends them in parallel.
    /// Returns how many were attempted.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let claimed = try store.claimDueAlerts(now: clock(), limit: options.concurrency,
                                               claimSeconds: options.timeoutSeconds + 30)
        await withTaskGroup(of: Void.self) { group in
            for alert in claimed { group.addTask { await self.attempt(alert) } }
        }
        return claimed.count
    }

    func attempt(_ alert: ClaimedAlert) async {
        let attemptedAt = clock()
        let isLineage = alert.event.hasPrefix(OpenLineageEventType.outboxPrefix)
        let result = await sender.send(url: alert.target, deliveryId: alert.deliveryId, event: alert.event,
                                       body: alert.payload, signed: !isLineage,
                                       extraHeaders: isLineage ? options.openLineage.headers(for: alert.target) : [])
        let number = alert.attempts + 1
        OrchMetrics.recordAlertDelivery(delivered: result.isSuccess)
        let disposition: AlertAttemptDisposition
        if result.isSuccess {
            disposition = .delivered
        } else if let next = options.backoff.nextAttempt(afterAttempt: number, now: clock(), createdAt: alert.createdAt,
                                                         maxAge: options.maxAgeSeconds) {
            disposition = .retry(at: next)
        } else {
            disposition = .failed
        }
        let target = redactedWebhookTarget(alert.target)
        let error = result.error ?? result.statusCode.map { "HTTP \($0)" }
        do {
            let kept = try store.recordAlertAttempt(alert, attemptedAt: attemptedAt, statusCode: result.statusCode,
                                                    error: result.isSuccess ? nil : error,
                                                    durationMs: result.durationMs, disposition: disposition)
            if !kept { log("alerts: \(alert.deliveryId) was claimed elsewhere while being sent; attempt recorded only") }
        } catch {
            log("alerts: cannot record attempt \(number) of \(alert.deliveryId): \(error)")
        }
        switch disposition {
        case .delivered:
            log("alerts: delivered \(alert.event) \(alert.deliveryId) to \(target) (HTTP \(result.statusCode ?? 0), attempt \(number))")
        case .retry(let at):
            log("alerts: attempt \(number) of \(alert.event) \(alert.deliveryId) to \(target) failed (\(error ?? "?")); next at \(isoString(at))")
        case .failed:
            log("alerts: giving up on \(alert.event) \(alert.deliveryId) to \(target) after \(number) attempt(s) (\(error ?? "?"))")
        }
    }

    /// Delivers until no alert written since `createdSince` is pending, or `within` seconds pass; returns
    /// how many such alerts are still pending (the scheduler will keep trying them).
    public func flush(createdSince: Date, within seconds: Double) async -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let pending = (try? store.pendingAlertCount(createdSince: createdSince)) ?? 0
            guard pending > 0, Date() < deadline else { return pending }
            do {
                if try await deliverDue() > 0 { continue }
                let next = try store.nextAlertDue() ?? deadline
                let wait = min(next.timeIntervalSince(clock()), deadline.timeIntervalSinceNow)
                if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(min(wait, 1) * 1e9) + 1_000_000) }
            } catch {
                // A busy or briefly failing database is asked again until the deadline, not given up on at once.
                log("alerts: cannot read the outbox: \(error)")
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }
}
