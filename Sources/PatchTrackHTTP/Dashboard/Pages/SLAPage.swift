import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/sla`: the open findings past their SLA due time and those due within 24 hours (`GET /v1/sla/breaches`, a page
/// at a time, soonest due first), narrowed by `status` and `severity`, with the counts by severity of
/// `GET /v1/status`.
struct SLAView {
    struct Count {
        let severity: String
        let breached: Int
        let dueSoon: Int
        let breachedHref: String
        let dueSoonHref: String
    }
    struct Row {
        let findingId: Int
        let severity: String
        let status: String
        let statusLabel: String
        let due: String
        let overdue: String
        let advisory: String
        let advisoryHref: String
        let vulnerability: String
        let digest: String
        let imageHref: String
        let shortDigest: String
        let repository: String
        let package: String
        let installed: String
        let fixed: String
        let stage: String
        let firstDetected: String
    }

    /// The filters, in link order.
    static let filterNames = ["status", "severity"]

    let title = "SLA"
    let chrome: DashboardChrome
    let counts: [Count]
    let rows: [Row]
    let statusOptions: [DashboardOption]
    let severityOptions: [DashboardOption]
    let filtered: Bool
    let pager: DashboardPager

    /// The view of a `/v1/sla/breaches` page for `filters` (with `limit`, `cursor`) and a `/v1/status` answer.
    init(breaches: APIValue, status: APIValue, filters: [String: String], chrome: DashboardChrome) {
        self.chrome = chrome
        let sla = status["sla"]
        counts = DashboardFormat.severities.map(\.rawValue).filter { $0 != "unknown" }.map {
            Count(
                severity: $0, breached: sla["breached_by_severity"][$0].int ?? 0, dueSoon: sla["due_within_24h_by_severity"][$0].int ?? 0,
                breachedHref: "/ui/sla" + DashboardFormat.query([("status", "breached"), ("severity", $0)]),
                dueSoonHref: "/ui/sla" + DashboardFormat.query([("status", "due_soon"), ("severity", $0)]))
        }
        rows = breaches["items"].array.map { item in
            let digest = item["digest"].text
            let advisory = item["advisory_id"].string ?? item["vulnerability_id"].text
            let status = item["sla"]["status"].text
            return Row(
                findingId: item["finding_id"].int ?? 0, severity: item["severity"].text, status: status,
                statusLabel: status == "due_soon" ? "due soon" : status, due: DashboardFormat.time(item["sla"]["due"].string),
                overdue: item["sla"]["overdue_seconds"].double.map { DashboardFormat.duration($0) } ?? "—", advisory: advisory,
                advisoryHref: DashboardFormat.advisoryPath(advisory), vulnerability: item["vulnerability_id"].text, digest: digest,
                imageHref: DashboardFormat.imagePath(digest), shortDigest: DashboardFormat.shortDigest(digest),
                repository: item["repository"].text, package: item["package"].text, installed: item["installed_version"].text,
                fixed: item["fixed_version"].string ?? "no fix yet", stage: DashboardFormat.label(item["stage"].text),
                firstDetected: DashboardFormat.time(item["stages"]["first_detected"].string))
        }
        statusOptions = DashboardOption.list(
            [("breached", "Breached"), ("due_soon", "Due within 24 h")], selected: filters["status"], any: "Breached and due soon")
        severityOptions = DashboardOption.severities(selected: filters["severity"], including: false)
        filtered = Self.filterNames.contains { filters[$0] != nil }
        pager = DashboardPager(
            path: "/ui/sla", csvPath: "/ui/sla.csv", filters: Self.filterNames.map { ($0, filters[$0]) }, limit: filters["limit"],
            cursor: filters["cursor"], nextCursor: breaches["next_cursor"].string)
    }
}

enum SLAPage {
    static func handle(_ page: DashboardRequest) async throws -> Response {
        let names = SLAView.filterNames + ["limit", "cursor"]
        async let status = page.json("/v1/status")
        let breaches = try await page.json("/v1/sla/breaches", page.queries(names))
        let view = SLAView(breaches: breaches, status: try await status, filters: page.presentQueries(names), chrome: page.chrome(.sla))
        return DashboardRenderer.shared.response("sla", view)
    }
}
