import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/rebuilds`: the rebuild plan of `GET /v1/rebuilds/plan` by wave, with each image's reasons, highest fixable
/// severity and fixable findings, narrowed by the plan's own filters, a page at a time (the API's `limit` and
/// `cursor`; 50 entries unless the query says otherwise).
struct RebuildQueueView {
    struct Entry {
        let digest: String
        let href: String
        let shortDigest: String
        let repository: String
        let tags: [String]
        let wave: Int
        /// The highest fixable severity, `none` without a fixable finding.
        let severity: String
        let fixable: Int
        let kev: Bool
        let maxEPSS: String?
        let created: String
        let baseName: String?
        let baseHref: String?
        let reasons: [RebuildReasonView]
    }
    struct Wave {
        let number: Int
        let count: Int
        let entries: [Entry]
    }

    /// The filters, in link order.
    static let filterNames = ["min_severity", "reason", "repository", "wave"]
    /// Entries per page unless the query names a `limit`.
    static let pageSize = "50"

    let title = "Rebuild queue"
    let chrome: DashboardChrome
    let generatedAt: String
    let waveCount: Int
    let total: Int
    let waves: [Wave]
    let severityOptions: [DashboardOption]
    let reasonOptions: [DashboardOption]
    let waveOptions: [DashboardOption]
    let repository: String
    let filtered: Bool
    let pager: DashboardPager

    /// The view of a `/v1/rebuilds/plan` answer to the query `filters` (name → value, empty values left out).
    init(plan: APIValue, filters: [String: String], chrome: DashboardChrome) {
        self.chrome = chrome
        generatedAt = DashboardFormat.time(plan["generated_at"].string)
        waveCount = plan["wave_count"].int ?? 0
        total = plan["total"].int ?? 0
        let entries = plan["items"].array.map(Self.entry)
        // The API answers in plan order (wave first), so consecutive entries of one wave form its group.
        var waves: [Wave] = []
        var start = entries.startIndex
        while start < entries.endIndex {
            let number = entries[start].wave
            let end = entries[start...].firstIndex { $0.wave != number } ?? entries.endIndex
            waves.append(Wave(number: number, count: end - start, entries: Array(entries[start..<end])))
            start = end
        }
        self.waves = waves
        severityOptions = DashboardOption.severities(selected: filters["min_severity"])
        reasonOptions = DashboardOption.list(
            RebuildReasonCode.allCases.map { ($0.rawValue, DashboardFormat.label($0.rawValue)) }, selected: filters["reason"])
        waveOptions = DashboardOption.list(
            (0..<max(waveCount, 0)).map { (String($0 + 1), "Wave \($0 + 1)") }, selected: filters["wave"], any: "All waves")
        repository = filters["repository"] ?? ""
        filtered = Self.filterNames.contains { filters[$0] != nil }
        pager = DashboardPager(
            path: "/ui/rebuilds", csvPath: "/ui/rebuilds.csv", filters: Self.filterNames.map { ($0, filters[$0]) },
            limit: filters["limit"] ?? Self.pageSize, cursor: filters["cursor"], nextCursor: plan["next_cursor"].string)
    }

    private static func entry(_ item: APIValue) -> Entry {
        let digest = item["digest"].text
        let base = item["base"]
        let baseName = base["repository"].string.map { name in base["tag"].string.map { name + ":" + $0 } ?? name }
        return Entry(
            digest: digest, href: DashboardFormat.imagePath(digest), shortDigest: DashboardFormat.shortDigest(digest),
            repository: item["repository"].text, tags: item["tags"].array.map(\.text), wave: item["wave"].int ?? 0,
            severity: item["highest_severity"].string ?? "none", fixable: item["fixable_findings"].int ?? 0,
            kev: item["kev"].bool ?? false, maxEPSS: item["max_epss"].double.map { String(format: "%.2f", $0) },
            created: DashboardFormat.time(item["created"].string), baseName: baseName,
            baseHref: base["digest"].string.map(DashboardFormat.imagePath), reasons: item["reasons"].array.map(RebuildReasonView.init))
    }
}

enum RebuildsPage {
    static func handle(_ page: DashboardRequest) async throws -> Response {
        let names = RebuildQueueView.filterNames + ["limit", "cursor"]
        var query = page.queries(names)
        if page.query("limit") == nil { query.append(("limit", RebuildQueueView.pageSize)) }
        let plan = try await page.json("/v1/rebuilds/plan", query)
        let view = RebuildQueueView(plan: plan, filters: page.presentQueries(names), chrome: page.chrome(.rebuilds))
        return DashboardRenderer.shared.response("rebuilds", view)
    }
}
