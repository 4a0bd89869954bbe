import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/`: the figures of `GET /v1/status`, the open-findings trend of `GET /v1/status/trend` and the time to each
/// patch stage, each number linking to the page behind it.
struct OverviewView {
    struct Card {
        let id: String
        let label: String
        let value: String
        let href: String
        let note: String?
    }
    struct Reason {
        let code: String
        let label: String
        let count: Int
        let href: String
    }
    struct Findings {
        let severity: String
        let fixable: Int
        let unfixable: Int
    }
    struct Environment {
        let name: String
        let href: String
        let stage: String
        let workloads: Int
        let replicas: Int
        let vulnerableWorkloads: Int
        let vulnerableReplicas: Int
        let inventoryAt: String
    }
    struct SLA {
        let severity: String
        let breached: Int
        let dueSoon: Int
        let href: String
    }
    struct Duration {
        let severity: String
        let closed: Int
        let median: String
        let p90: String
    }
    struct Rollout {
        let state: String
        let count: Int
    }
    struct Feed {
        let name: String
        /// The feed's kind, when its name does not already say it.
        let kind: String?
        let lastSuccess: String
        let state: String
        let lastError: String?
    }

    let title = "Overview"
    let chrome: DashboardChrome
    let generatedAt: String
    let planComputedAt: String
    let cards: [Card]
    let reasons: [Reason]
    let findings: [Findings]
    let trend: DashboardChart
    let stages: DashboardChart
    let environments: [Environment]
    let sla: [SLA]
    let windowDays: Int
    let timeToPatch: [Duration]
    let rollouts: [Rollout]
    let feeds: [Feed]

    /// The view of a `/v1/status` answer and a `/v1/status/trend` answer.
    init(status: APIValue, trend: APIValue, chrome: DashboardChrome) {
        self.chrome = chrome
        let severities = DashboardFormat.severities.map(\.rawValue)
        generatedAt = DashboardFormat.time(status["generated_at"].string)
        planComputedAt = DashboardFormat.time(status["images"]["rebuilds_computed_at"].string)
        let images = status["images"]
        let sla = status["sla"]
        let breachedTotal = sla["breached"].int ?? 0
        cards = [
            Card(id: "images", label: "Images", value: images["total"].text, href: "/ui/rebuilds",
                 note: "\(images["running"].text) running, \(images["superseded"].text) superseded"),
            Card(id: "needing-rebuild", label: "Needing a rebuild", value: images["needing_rebuild"].text, href: "/ui/rebuilds", note: nil),
            Card(id: "open-findings", label: "Open findings", value: status["findings"]["open"].text, href: "/ui/sla", note: nil),
            Card(id: "sla-breached", label: "SLA breached", value: String(breachedTotal), href: "/ui/sla?status=breached",
                 note: "\(sla["due_within_24h"].text) due within 24 h"),
            Card(id: "active-rollouts", label: "Active rollouts", value: status["rollouts"]["active"].text, href: "/ui/environments",
                 note: nil),
        ]
        reasons = RebuildReasonCode.allCases.map { code in
            Reason(
                code: code.rawValue, label: DashboardFormat.label(code.rawValue), count: images["rebuild_reasons"][code.rawValue].int ?? 0,
                href: "/ui/rebuilds" + DashboardFormat.query([("reason", code.rawValue)]))
        }
        findings = severities.map {
            let counts = status["findings"]["by_severity"][$0]
            return Findings(severity: $0, fixable: counts["fixable"].int ?? 0, unfixable: counts["unfixable"].int ?? 0)
        }
        let points = trend["points"].array
        self.trend = DashboardChart.lines(
            id: "chart-trend", title: "Open findings by severity, last \(trend["days"].text) days",
            labels: points.map { String(($0["day"].string ?? "").dropFirst(5)) },
            series: severities.filter { $0 != "unknown" }.map { severity in
                (severity, severity, points.map { Double($0["open"][severity].int ?? 0) })
            })
        let stageOrder = PatchStage.allCases.filter { $0 != .detected }.map(\.rawValue)
        stages = DashboardChart.bars(
            id: "chart-stages", title: "Median time from detection to each stage", unit: "seconds",
            entries: stageOrder.map { stage in
                let median = status["time_to_patch"]["by_stage"][stage]["median_seconds"].double
                return (DashboardFormat.label(stage), median, DashboardFormat.duration(median))
            })
        environments = status["environments"].array.map {
            let name = $0["name"].text
            return Environment(
                name: name, href: DashboardFormat.environmentPath(name), stage: $0["stage"].text, workloads: $0["workloads"].int ?? 0,
                replicas: $0["replicas"].int ?? 0, vulnerableWorkloads: $0["vulnerable_workloads"].int ?? 0,
                vulnerableReplicas: $0["vulnerable_replicas"].int ?? 0, inventoryAt: DashboardFormat.time($0["inventory_at"].string))
        }
        self.sla = severities.filter { $0 != "unknown" }.map {
            SLA(
                severity: $0, breached: sla["breached_by_severity"][$0].int ?? 0, dueSoon: sla["due_within_24h_by_severity"][$0].int ?? 0,
                href: "/ui/sla" + DashboardFormat.query([("severity", $0)]))
        }
        windowDays = status["time_to_patch"]["window_days"].int ?? 0
        timeToPatch = severities.map {
            let duration = status["time_to_patch"]["by_severity"][$0]
            return Duration(
                severity: $0, closed: duration["closed"].int ?? 0, median: DashboardFormat.duration(duration["median_seconds"].double),
                p90: DashboardFormat.duration(duration["p90_seconds"].double))
        }
        rollouts = status["rollouts"]["by_state"].object.map { Rollout(state: $0.key, count: $0.value.int ?? 0) }
        feeds = status["feeds"].array.map {
            Feed(
                name: $0["name"].text, kind: $0["kind"].string == $0["name"].string ? nil : $0["kind"].string, lastSuccess: DashboardFormat.time($0["last_success"].string),
                state: $0["enabled"].bool == false ? "disabled" : ($0["stale"].bool == true ? "stale" : "fresh"),
                lastError: $0["last_error"].string)
        }
    }
}

enum OverviewPage {
    static func handle(_ page: DashboardRequest) async throws -> Response {
        async let trend = page.json("/v1/status/trend")
        let status = try await page.json("/v1/status")
        let view = OverviewView(status: status, trend: try await trend, chrome: page.chrome(.overview))
        return DashboardRenderer.shared.response("overview", view)
    }
}
