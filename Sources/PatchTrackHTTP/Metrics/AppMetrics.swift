import PatchTrackCore
import Prometheus

/// The application's long-lived Prometheus series: HTTP requests and ingested records.
///
/// Each application owns one (no global `MetricsSystem` bootstrap): tests build many applications in one process,
/// and a process-wide registry would mix their counts.
final class AppMetrics: Sendable {
    /// What an ingest route stored, the `kind` label of `patchtrack_ingested_total`.
    enum IngestKind: String, Sendable, CaseIterable {
        /// A new scan (SBOM or scanner report); format: the scan format.
        case scan
        /// OSV records created or updated; format `osv`.
        case advisory
        /// VEX statements stored; format `openvex` or `cyclonedx`.
        case vex
        /// A build report recorded; format `report`.
        case build
        /// Inventory snapshots of an environment; format `pod-list`, `pod` or `workload-list`.
        case inventory

        /// The formats each kind is posted in, whose counters start at zero so that `rate()` sees the first write.
        var knownFormats: [String] {
            switch self {
            case .scan: ScanFormat.allCases.map(\.rawValue)
            case .advisory: ["osv"]
            case .vex: [VEXDocument.Format.openVEX, .cycloneDX].map(\.rawValue)
            case .build: ["report"]
            case .inventory: ["pod-list", "pod", "workload-list"]
            }
        }
    }

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
    private static var ingestedRecords: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "ingested", unitName: "total",
            helpText: "Records stored by ingest routes, by kind and document format.")
    }

    private let registry = PrometheusCollectorRegistry()

    /// Creates the series, with a zero ingest counter for every known kind and format.
    init() {
        for kind in IngestKind.allCases {
            for format in kind.knownFormats { _ = ingestedCounter(kind: kind, format: format) }
        }
    }

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

    /// Adds `count` records of `kind` in `format` stored by one successful write (nothing for a count of zero or less).
    func ingested(kind: IngestKind, format: String, count: Int = 1) {
        guard count > 0 else { return }
        ingestedCounter(kind: kind, format: format).increment(by: Int64(count))
    }

    private func ingestedCounter(kind: IngestKind, format: String) -> Counter {
        registry.makeCounter(descriptor: Self.ingestedRecords, labels: [("kind", kind.rawValue), ("format", format)])
    }

    /// The long-lived series in the Prometheus text exposition format.
    func render() -> String {
        registry.emitToString()
    }
}
