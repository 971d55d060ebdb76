import CoreMetrics
import Metrics

/// Every metric orch records itself, through swift-metrics (whatever backend the process bootstrapped; the
/// API server bootstraps Prometheus). Names follow Prometheus conventions; labels are few-valued: DAG ids,
/// states, pools, route patterns, never run ids or raw paths. docs/metrics.md lists them all.
public enum OrchMetrics {
    public static let schedulerLoop = "orch_scheduler_loop_duration_seconds"
    public static let attemptDuration = "orch_task_attempt_duration_seconds"
    public static let triggerToStart = "orch_run_trigger_to_start_seconds"
    public static let alertDeliveryFailures = "orch_alert_delivery_failures_total"
    public static let alertDeliveries = "orch_alert_deliveries_total"
    public static let httpRequests = "orch_http_requests_total"
    public static let httpDuration = "orch_http_request_duration_seconds"

    /// Histogram buckets (seconds) per timer: attempts last from milliseconds to hours, a loop turn milliseconds.
    public static let buckets: [String: [Double]] = [
        schedulerLoop: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        attemptDuration: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 10800],
        triggerToStart: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
        httpDuration: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ]

    /// One scheduler loop turn (create due runs, step the engine, hooks), without the sleep after it.
    public static func recordSchedulerLoop(seconds: Double) {
        CoreMetrics.Timer(label: schedulerLoop).recordSeconds(seconds)
    }

    /// An attempt ended; `outcome` is the task state it resolved to (success, failed, up_for_retry, …).
    public static func recordAttempt(dagId: String, outcome: String, seconds: Double) {
        CoreMetrics.Timer(label: attemptDuration, dimensions: [("dag_id", dagId), ("outcome", outcome)]).recordSeconds(seconds)
    }

    /// A run's first attempt started this long after the run was queued (triggered, or created when due).
    public static func recordTriggerToStart(dagId: String, seconds: Double) {
        CoreMetrics.Timer(label: triggerToStart, dimensions: [("dag_id", dagId)]).recordSeconds(max(0, seconds))
    }

    /// One webhook delivery attempt; `delivered` false counts as a failure.
    public static func recordAlertDelivery(delivered: Bool) {
        Counter(label: alertDeliveries, dimensions: [("result", delivered ? "delivered" : "failed")]).increment()
        if !delivered { Counter(label: alertDeliveryFailures).increment() }
    }

    /// One HTTP request: `route` is the matched pattern (`/api/v1/dags/{dag_id}`), `static`, or `unmatched`.
    public static func recordHTTP(route: String, method: String, status: Int, seconds: Double) {
        Counter(label: httpRequests, dimensions: [("route", route), ("method", method), ("status", String(status))]).increment()
        CoreMetrics.Timer(label: httpDuration, dimensions: [("route", route), ("method", method)]).recordSeconds(seconds)
    }

    /// Sets a gauge (state read from the database when scraped).
    public static func gauge(_ name: String, _ value: Double, _ labels: [(String, String)] = []) {
        Gauge(label: name, dimensions: labels).record(value)
    }
}
