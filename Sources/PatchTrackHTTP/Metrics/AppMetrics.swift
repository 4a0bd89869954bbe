import Prometheus

/// The application's long-lived Prometheus series: HTTP requests.
///
/// Each application owns one (no global `MetricsSystem` bootstrap): tests build many applications in one process,
/// and a process-wide registry would mix their counts.
final class AppMetrics: Sendable {
    /// Upper bounds of the request-duration histogram: 1 ms to 10 s.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    // Computed: `MetricNameDescriptor` is not Sendable, so it cannot be a stored static.
    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by route template, method and status.")
    }
    private static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time to answer HTTP requests, by route template and method.")
    }

    private let registry = PrometheusCollectorRegistry()

    /// Creates empty series.
    init() {}

    /// Records one answered request; `route` is the route template (`/v1/images/{digest}`), never the raw path, so
    /// the number of series stays bounded.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.duration, labels: [("route", route), ("method", method)], buckets: Self.durationBuckets
        ).record(duration)
    }

    /// The long-lived series in the Prometheus text exposition format.
    func render() -> String {
        registry.emitToString()
    }
}
