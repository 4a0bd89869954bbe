import Foundation

/// One rollout of `GET /v1/rollouts` as the environment pages list it, its progress shown with `<progress>` (no
/// inline style: the pages' Content-Security-Policy forbids them).
struct RolloutRow {
    let id: Int
    let environment: String
    let environmentHref: String
    let workload: String
    let repository: String
    let toDigest: String
    let toHref: String
    let toShort: String
    let fromDigests: [Link]
    let state: String
    let active: Bool
    /// The weight last reported, 0–100.
    let weight: Int
    /// The share of replicas on the new digest in the newest inventory, when known.
    let observedWeight: Int?
    /// The planned weights (`25 % → 50 % → 100 %`), nil without steps.
    let steps: String?
    let started: String
    let updated: String

    struct Link {
        let text: String
        let href: String
    }

    /// The rollout states a list can be narrowed to (`state` of `GET /v1/rollouts`).
    static let stateFilters = [
        ("active", "Active"), ("finished", "Finished"), ("progressing", "Progressing"), ("paused", "Paused"),
        ("promoted", "Promoted"), ("completed", "Completed"), ("aborted", "Aborted"), ("rolled_back", "Rolled back"),
    ]

    init(_ item: APIValue) {
        id = item["id"].int ?? 0
        environment = item["environment"].text
        environmentHref = DashboardFormat.environmentPath(environment)
        workload = item["workload"].text
        repository = item["repository"].text
        toDigest = item["to_digest"].text
        toHref = DashboardFormat.imagePath(toDigest)
        toShort = DashboardFormat.shortDigest(toDigest)
        fromDigests = item["from_digests"].array.map {
            Link(text: DashboardFormat.shortDigest($0.text), href: DashboardFormat.imagePath($0.text))
        }
        state = item["state"].text
        active = item["active"].bool ?? false
        weight = min(max(item["weight"].int ?? 0, 0), 100)
        observedWeight = item["observed_weight"].int
        let steps = item["steps"].array.map { $0.text + " %" }
        self.steps = steps.isEmpty ? nil : steps.joined(separator: " → ")
        started = DashboardFormat.time(item["started_at"].string)
        updated = DashboardFormat.time(item["updated_at"].string)
    }
}
