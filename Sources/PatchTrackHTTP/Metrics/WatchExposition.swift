import PatchTrackCore
import PatchTrackStorage
import Prometheus

/// Each registry watch's health as Prometheus series, read for each scrape: when it last polled (absent until it
/// has), whether that poll reported an error, the tags it saw, and its polls that reported one.
enum WatchExposition {
    private static var lastPoll: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "watch_last_poll_timestamp", unitName: "seconds",
            helpText: "When the watch's last poll ended (Unix time).")
    }
    private static var failing: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "watch_failing", unitName: "",
            helpText: "1 when the watch's last poll reported an error, else 0.")
    }
    private static var tags: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "patchtrack", metricName: "watch_tags", unitName: "", helpText: "Tags the watch's last poll saw.")
    }
    private static var errors: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "watch_errors_total", unitName: "", helpText: "Polls of the watch that reported an error.")
    }

    static func render(_ watches: [StoredWatch]) -> String {
        let registry = PrometheusCollectorRegistry()
        for watch in watches {
            let labels = [("watch", String(watch.id)), ("repository", watch.definition.repository.value)]
            if let poll = watch.lastPoll.flatMap(Timestamp.parse) {
                registry.makeGauge(descriptor: lastPoll, labels: labels).set(poll.timeIntervalSince1970)
            }
            registry.makeGauge(descriptor: failing, labels: labels).set(Double(watch.lastError == nil ? 0 : 1))
            registry.makeGauge(descriptor: tags, labels: labels).set(Double(watch.tagsSeen.count))
            registry.makeCounter(descriptor: errors, labels: labels).increment(by: Int64(watch.errorsTotal))
        }
        return registry.emitToString()
    }
}
