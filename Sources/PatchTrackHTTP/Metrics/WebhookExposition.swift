import PatchTrackCore
import PatchTrackStorage
import Prometheus

/// The webhook outbox as Prometheus series: this process's delivery attempts by result, and the pending deliveries
/// of the whole database (their number and the age of the oldest), read for each scrape.
enum WebhookExposition {
    private static var deliveries: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "webhook_deliveries_total", unitName: "",
            helpText: "Webhook delivery attempts made by this process, by result (delivered, failed).")
    }
    private static var depth: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "webhook_queue_depth", unitName: "", helpText: "Webhook deliveries waiting for an attempt.")
    }
    private static var oldest: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "webhook_oldest_pending", unitName: "seconds",
            helpText: "Age of the oldest webhook delivery waiting for an attempt (0 when none).")
    }

    private static var failing: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "webhook_health", unitName: "",
            helpText: "1 for each webhook's current health (active, failing, disabled), 0 for the others, by webhook id.")
    }

    static func render(attempts: [String: Int], queue: WebhookQueue, webhooks: [StoredWebhook] = []) -> String {
        let registry = PrometheusCollectorRegistry()
        for webhook in webhooks {
            for health in WebhookHealth.allCases {
                registry.makeGauge(descriptor: failing, labels: [("webhook", String(webhook.id)), ("health", health.rawValue)])
                    .set(webhook.health == health ? 1.0 : 0.0)
            }
        }
        for (result, count) in attempts.sorted(by: { $0.key < $1.key }) {
            registry.makeCounter(descriptor: deliveries, labels: [("result", result)]).increment(by: Int64(count))
        }
        registry.makeGauge(descriptor: depth).set(Double(queue.depth))
        registry.makeGauge(descriptor: oldest).set(queue.oldestPendingSeconds)
        return registry.emitToString()
    }
}
