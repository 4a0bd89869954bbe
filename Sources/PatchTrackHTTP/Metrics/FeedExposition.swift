import PatchTrackCore
import PatchTrackStorage
import Prometheus

/// Each feed's freshness as Prometheus series, read for each scrape: when it last succeeded (absent until it has),
/// the records it stored and its failed syncs.
enum FeedExposition {
    private static var lastSuccess: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "feed_last_success_timestamp", unitName: "seconds",
            helpText: "When the feed's last successful sync ended (Unix time).")
    }
    private static var records: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "feed_records", unitName: "",
            helpText: "Records the feed has stored (advisories imported, KEV or EPSS entries).")
    }
    private static var errors: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "feed_errors_total", unitName: "", helpText: "Failed syncs of the feed.")
    }

    static func render(_ feeds: [StoredFeed]) -> String {
        let registry = PrometheusCollectorRegistry()
        for feed in feeds {
            let labels = [("feed", feed.name)]
            if let success = feed.lastSuccess.flatMap(Timestamp.parse) {
                registry.makeGauge(descriptor: lastSuccess, labels: labels).set(success.timeIntervalSince1970)
            }
            registry.makeGauge(descriptor: records, labels: labels).set(Double(feed.records))
            registry.makeCounter(descriptor: errors, labels: labels).increment(by: Int64(feed.errorsTotal))
        }
        return registry.emitToString()
    }
}
