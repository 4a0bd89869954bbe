import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/environments`: every environment of `GET /v1/environments` with what it runs, its vulnerable workloads and
/// replicas (`environments` of `GET /v1/status`, the only answer that counts them), and the rollouts of
/// `GET /v1/rollouts` with their progress, a page at a time.
struct EnvironmentsView {
    struct Environment {
        let name: String
        let href: String
        let stage: String
        let order: Int
        let about: String?
        let workloads: Int
        let replicas: Int
        let vulnerableWorkloads: Int
        let vulnerableReplicas: Int
        let inventoryAt: String
    }

    /// The rollout filters, in link order.
    static let filterNames = ["state", "environment"]

    let title = "Environments"
    let chrome: DashboardChrome
    let environments: [Environment]
    let rollouts: [RolloutRow]
    let stateOptions: [DashboardOption]
    let environmentOptions: [DashboardOption]
    let rolloutsFiltered: Bool
    let pager: DashboardPager

    /// The view of `/v1/environments`, `/v1/status` and a `/v1/rollouts` page for `filters` (with `limit`, `cursor`).
    init(environments: APIValue, status: APIValue, rollouts: APIValue, filters: [String: String], chrome: DashboardChrome) {
        self.chrome = chrome
        let exposure = Dictionary(status["environments"].array.map { ($0["name"].text, $0) }, uniquingKeysWith: { first, _ in first })
        self.environments = environments["items"].array.map {
            let name = $0["name"].text
            let vulnerable = exposure[name] ?? APIValue(nil)
            return Environment(
                name: name, href: DashboardFormat.environmentPath(name), stage: $0["stage"].text, order: $0["order"].int ?? 0,
                about: $0["description"].string, workloads: $0["workloads"].int ?? 0, replicas: $0["replicas"].int ?? 0,
                vulnerableWorkloads: vulnerable["vulnerable_workloads"].int ?? 0,
                vulnerableReplicas: vulnerable["vulnerable_replicas"].int ?? 0,
                inventoryAt: DashboardFormat.time($0["inventory_at"].string))
        }
        self.rollouts = rollouts["items"].array.map(RolloutRow.init)
        stateOptions = DashboardOption.list(RolloutRow.stateFilters, selected: filters["state"])
        environmentOptions = DashboardOption.list(self.environments.map { ($0.name, $0.name) }, selected: filters["environment"])
        rolloutsFiltered = Self.filterNames.contains { filters[$0] != nil }
        pager = DashboardPager(
            path: "/ui/environments", csvPath: "/ui/rollouts.csv", filters: Self.filterNames.map { ($0, filters[$0]) },
            limit: filters["limit"], cursor: filters["cursor"], nextCursor: rollouts["next_cursor"].string)
    }
}

enum EnvironmentsPage {
    static func handle(_ page: DashboardRequest) async throws -> Response {
        let names = EnvironmentsView.filterNames + ["limit", "cursor"]
        async let environments = page.json("/v1/environments")
        async let status = page.json("/v1/status")
        let rollouts = try await page.json("/v1/rollouts", page.queries(names))
        let view = EnvironmentsView(
            environments: try await environments, status: try await status, rollouts: rollouts, filters: page.presentQueries(names),
            chrome: page.chrome(.environments))
        return DashboardRenderer.shared.response("environments", view)
    }
}
