import Foundation
import CoreMetrics
import Metrics
import OrchObservability
import Prometheus

/// The process's metrics backend: swift-metrics bootstrapped once with a Prometheus registry, whose text
/// exposition `/metrics` serves. Every ``APIServer`` in the process shares it (swift-metrics allows one backend per
/// process), so counters add up across servers; the state gauges show the database of the server last scraped.
public enum MetricsExporter {
    /// The registry, bootstrapped on first use.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = OrchMetrics.buckets.mapValues { $0.map { Duration.nanoseconds(Int64($0 * 1e9)) } }
        MetricsSystem.bootstrap(factory)
        // Counters that are 0 until something fails are exposed from the start, so a dashboard sees 0, not "no data".
        Counter(label: OrchMetrics.alertDeliveryFailures).increment(by: 0)
        return registry
    }()

    /// Makes sure the backend is installed before anything records.
    public static func install() { _ = registry }

    /// The text exposition format (version 0.0.4).
    public static func exposition() -> [UInt8] { registry.emitToBuffer() }
}
