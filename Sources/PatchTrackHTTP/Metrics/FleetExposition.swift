import PatchTrackCore
import PatchTrackStorage
import Prometheus

/// Renders the fleet's figures as Prometheus gauges and a histogram, in a registry made for one scrape, so a label
/// set that no longer exists (an environment gone, a reason no image has) disappears with the next scrape.
enum FleetExposition {
    /// Upper bounds of the time-to-patch histogram: 1 h, 6 h, 1 d, 2 d, 7 d, 14 d, 30 d, 90 d, in seconds.
    static let timeToPatchBuckets: [Double] = [3_600, 21_600, 86_400, 172_800, 604_800, 1_209_600, 2_592_000, 7_776_000]

    // Computed: `MetricNameDescriptor` is not Sendable, so it cannot be a stored static.
    private static var rebuilds: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "images_needing_rebuild", unitName: "",
            helpText: "Images in the rebuild plan, by reason code (an image counts once per reason it has).")
    }
    private static var findings: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "open_findings", unitName: "",
            helpText: "Open findings, by severity and whether a fixed version exists.")
    }
    private static var replicas: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "vulnerable_replicas", unitName: "",
            helpText: "Running replicas of digests with open findings, by environment and highest severity.")
    }
    private static var breaches: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "sla_breaches", unitName: "",
            helpText: "Open findings past their SLA due time, by severity.")
    }
    private static var dueSoon: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "sla_due_soon", unitName: "",
            helpText: "Open findings due within 24 hours and not yet past their SLA, by severity.")
    }
    private static var breachedReplicas: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "sla_breached_replicas", unitName: "",
            helpText: "Running replicas of digests with open findings past their SLA, by environment, its stage and the "
                + "highest severity past its SLA (zero for each environment and severity without).")
    }
    private static var images: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "images", unitName: "",
            helpText: "Images by state: total, running, superseded, needing_rebuild (each image once).")
    }
    private static var timeToPatch: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "patchtrack", metricName: "time_to_patch", unitName: "seconds",
            helpText: "Detection to fully rolled out, of every closed finding, by severity.")
    }

    /// The exposition text of `fleet`. Findings, SLA breaches, time to patch and rebuild reasons are emitted for
    /// every severity (and fixability, and known reason code), zeros included, so dashboards see stable series.
    static func render(_ fleet: FleetMetrics) -> String {
        let registry = PrometheusCollectorRegistry()

        var reasons = Dictionary(uniqueKeysWithValues: RebuildReasonCode.allCases.map { ($0.rawValue, 0) })
        reasons.merge(fleet.imagesNeedingRebuild, uniquingKeysWith: +)
        for (reason, count) in reasons {
            registry.makeGauge(descriptor: rebuilds, labels: [("reason", reason)]).set(Double(count))
        }

        for severity in SeverityLevel.allCases {
            for fixable in [false, true] {
                let count = fleet.openFindings.filter { $0.severity == severity && $0.fixable == fixable }.map(\.count).reduce(0, +)
                registry.makeGauge(descriptor: findings, labels: [("severity", severity.rawValue), ("fixable", String(fixable))])
                    .set(Double(count))
            }
        }

        var replicaCounts: [ReplicaKey: Int] = [:]
        for entry in fleet.vulnerableReplicas {
            replicaCounts[ReplicaKey(environment: entry.environment, severity: entry.severity), default: 0] += entry.replicas
        }
        for (key, count) in replicaCounts {
            registry.makeGauge(descriptor: replicas, labels: [("environment", key.environment), ("severity", key.severity.rawValue)])
                .set(Double(count))
        }

        for environment in fleet.slaBreachedExposure {
            for severity in SeverityLevel.allCases {
                registry.makeGauge(
                    descriptor: breachedReplicas,
                    labels: [("environment", environment.environment), ("stage", environment.stage), ("severity", severity.rawValue)]
                ).set(Double(environment.vulnerableReplicasBySeverity[severity] ?? 0))
            }
        }

        for state in ["total", "running", "superseded", "needing_rebuild"] {
            registry.makeGauge(descriptor: images, labels: [("state", state)]).set(Double(fleet.images[state] ?? 0))
        }

        for severity in SeverityLevel.allCases {
            registry.makeGauge(descriptor: breaches, labels: [("severity", severity.rawValue)])
                .set(Double(fleet.slaBreaches[severity] ?? 0))
            registry.makeGauge(descriptor: dueSoon, labels: [("severity", severity.rawValue)])
                .set(Double(fleet.slaDueSoon[severity] ?? 0))
            let histogram = registry.makeValueHistogram(
                descriptor: timeToPatch, labels: [("severity", severity.rawValue)], buckets: timeToPatchBuckets)
            for seconds in fleet.timeToPatchSeconds[severity] ?? [] where seconds.isFinite {
                histogram.record(seconds)
            }
        }
        return registry.emitToString()
    }

    private struct ReplicaKey: Hashable {
        let environment: String
        let severity: SeverityLevel
    }
}
