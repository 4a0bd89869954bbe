import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/environments/{name}`: one environment (`GET /v1/environments/{name}`; an unknown name is the API's 404),
/// what it runs (`/inventory`, workload by workload, each digest linked), its vulnerable counts (`GET /v1/status`)
/// and its rollouts (`GET /v1/rollouts?environment=`, a page at a time).
///
/// A container is marked vulnerable with the `highest_severity` the inventory answer gives its digest (the open,
/// unsuppressed findings `/v1/status` counts).
struct EnvironmentView {
    struct Container {
        let name: String
        let initContainer: Bool
        let reference: String
        let digest: String
        let href: String
        let shortDigest: String
        let replicas: Int
        let vulnerable: Bool
        /// The digest's highest open severity, when it is vulnerable.
        let severity: String?
    }
    struct Workload {
        let name: String
        let kind: String
        let replicas: Int
        let vulnerable: Bool
        let containers: [Container]
    }

    /// The rollout filter, in link order.
    static let filterNames = ["state"]
    /// Workloads per page of the inventory, whose cursor is the query parameter `workloads`.
    static let workloadsPerPage = "100"

    let title: String
    let chrome: DashboardChrome
    let name: String
    let stage: String
    let order: Int
    let about: String?
    let updatedAt: String
    let snapshotAt: String
    let snapshotBy: String?
    let snapshotFormat: String?
    let hasSnapshot: Bool
    let workloadCount: Int
    let replicaCount: Int
    let vulnerableWorkloads: Int
    let vulnerableReplicas: Int
    let workloads: [Workload]
    let inventoryCSV: String
    /// The inventory's next and first pages (the rollouts' own filters and page kept), and its workloads in all.
    let inventoryNext: String?
    let inventoryFirst: String?
    let inventoryTotal: Int
    let rollouts: [RolloutRow]
    let stateOptions: [DashboardOption]
    let rolloutsFiltered: Bool
    let rolloutsAction: String
    let pager: DashboardPager

    /// The view of the environment's answers.
    init(
        environment: APIValue, inventory: APIValue, status: APIValue, rollouts: APIValue,
        filters: [String: String], chrome: DashboardChrome
    ) {
        self.chrome = chrome
        let name = environment["name"].text
        self.name = name
        title = "Environment " + name
        stage = environment["stage"].text
        order = environment["order"].int ?? 0
        about = environment["description"].string
        updatedAt = DashboardFormat.time(environment["updated_at"].string)
        let snapshot = inventory["snapshot"]
        hasSnapshot = !snapshot.isNull
        snapshotAt = DashboardFormat.time(snapshot["taken_at"].string)
        snapshotBy = snapshot["posted_by"].string
        snapshotFormat = snapshot["format"].string
        workloadCount = environment["workloads"].int ?? 0
        replicaCount = environment["replicas"].int ?? 0
        let exposure = status["environments"].array.first { $0["name"].string == name } ?? APIValue(nil)
        vulnerableWorkloads = exposure["vulnerable_workloads"].int ?? 0
        vulnerableReplicas = exposure["vulnerable_replicas"].int ?? 0
        workloads = inventory["items"].array.map { workload in
            let containers = workload["containers"].array.map {
                let digest = $0["digest"].text
                let severity = $0["highest_severity"].string
                return Container(
                    name: $0["name"].text, initContainer: $0["init"].bool ?? false, reference: $0["reference"].text, digest: digest,
                    href: DashboardFormat.imagePath(digest), shortDigest: DashboardFormat.shortDigest(digest),
                    replicas: $0["replicas"].int ?? 0, vulnerable: severity != nil, severity: severity)
            }
            return Workload(
                name: workload["name"].text, kind: workload["kind"].text, replicas: workload["replicas"].int ?? 0,
                vulnerable: containers.contains { $0.vulnerable }, containers: containers)
        }
        let path = DashboardFormat.environmentPath(name)
        let kept = (Self.filterNames + ["limit", "cursor"]).map { ($0, filters[$0]) }
        inventoryCSV = path + "/inventory.csv" + DashboardFormat.query([("limit", Self.workloadsPerPage), ("cursor", filters["workloads"])])
        inventoryNext = inventory["next_cursor"].string.map { path + DashboardFormat.query(kept + [("workloads", $0)]) }
        inventoryFirst = filters["workloads"] == nil ? nil : path + DashboardFormat.query(kept)
        inventoryTotal = inventory["total"].int ?? inventory["items"].array.count
        self.rollouts = rollouts["items"].array.map(RolloutRow.init)
        stateOptions = DashboardOption.list(RolloutRow.stateFilters, selected: filters["state"])
        rolloutsFiltered = filters["state"] != nil
        rolloutsAction = path
        pager = DashboardPager(
            path: path, csvPath: "/ui/rollouts.csv", csvScope: [("environment", name)], filters: Self.filterNames.map { ($0, filters[$0]) },
            limit: filters["limit"], cursor: filters["cursor"], nextCursor: rollouts["next_cursor"].string)
    }
}

enum EnvironmentPage {
    static func handle(_ page: DashboardRequest) async throws -> Response {
        let name = page.parameter("name")
        let path = "/v1/environments/" + page.segment("name")
        let environment = try await page.json(path)
        let names = EnvironmentView.filterNames + ["limit", "cursor", "workloads"]
        async let status = page.json("/v1/status")
        async let rollouts = page.json("/v1/rollouts", [("environment", name)] + page.queries(names))
        let inventory = try await page.json(
            path + "/inventory", [("limit", EnvironmentView.workloadsPerPage), ("cursor", page.query("workloads"))])
        let view = EnvironmentView(
            environment: environment, inventory: inventory, status: try await status,
            rollouts: try await rollouts, filters: page.presentQueries(names), chrome: page.chrome(.environments))
        return DashboardRenderer.shared.response("environment", view)
    }
}
