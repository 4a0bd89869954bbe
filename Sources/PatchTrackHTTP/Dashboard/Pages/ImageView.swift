import Foundation
import PatchTrackCore

/// `/ui/images/{digest}`: one image from the API's answers about it — `GET /v1/images/{digest}` (repository, tags,
/// signature, base, predecessor and successor, the same route for each image up the base lineage and down the
/// successors), its findings (`/findings`, a page), where scanners and PatchTrack disagree (`/disagreements`), why it
/// needs a rebuild or the checks it passed (`/rebuild`), the builds that name it (`/v1/builds?digest=`)
/// and where it runs (`/v1/images/{digest}/running`).
struct ImageView {
    struct Tag {
        let name: String
        let reference: String
    }
    struct Label {
        let key: String
        let value: String
    }
    struct Step {
        let reference: String
        let stepDigest: String?
        let stepHref: String?
        let tags: [String]
    }
    struct Finding {
        let advisory: String
        let advisoryHref: String
        let vulnerability: String
        let package: String
        let installed: String
        let fixed: String
        let severity: String
        let state: String
        let foundBy: String
        let source: String
        let statement: String?
        let justification: String?
        let impact: String?
        let kev: Bool
        let epss: String?
        let firstDetected: String
    }
    struct Disagreement {
        let kind: String
        let label: String
        let reason: String
        let advisory: String
        let advisoryHref: String
        let package: String
    }
    struct Check {
        let name: String
        let label: String
        let detail: String
    }
    struct Build {
        let id: Int
        let tag: String
        let status: String
        let relation: String
        let otherDigest: String?
        let otherHref: String?
        let started: String
        let finished: String
        let reportedBy: String
        /// The CI run, linked only when it is an http(s) URL.
        let url: String?
        let urlHref: String?
        let message: String?
    }
    struct Run {
        let environment: String
        let environmentHref: String
        let workload: String
        let container: String
        let initContainer: Bool
        let replicas: Int
    }

    /// The findings filters, in link order.
    static let filterNames = ["min_severity", "state", "source"]

    let title: String
    let chrome: DashboardChrome
    let digest: String
    let repository: String
    let tags: [Tag]
    let platform: String?
    let created: String
    let firstSeen: String
    let lastSeen: String
    let sourceRevision: String?
    let labels: [Label]
    let signatureState: String
    let signatureKey: String?
    /// When the signature was last checked, nil before a check ran.
    let signatureCheckedAt: String?
    let signatureDetail: String?
    /// The base, its base, … (nearest first); the last one may be untracked (no link).
    let lineage: [Step]
    let predecessor: Step?
    /// The succeeded rebuilds that replaced this image, then theirs (nearest first).
    let successors: [Step]
    let findings: [Finding]
    /// This page, where the findings filters are sent.
    let findingsAction: String
    let pager: DashboardPager
    let severityOptions: [DashboardOption]
    let stateOptions: [DashboardOption]
    let sourceOptions: [DashboardOption]
    let filtered: Bool
    let disagreements: [Disagreement]
    let counted: Bool
    let needsRebuild: Bool
    let rebuildDetail: String
    let wave: Int?
    let reasons: [RebuildReasonView]
    let checks: [Check]
    let builds: [Build]
    let runs: [Run]

    /// The view of the API's answers about one image. `bases` pairs each `base` object up the lineage with the image
    /// it names when that is tracked; `successors` are the successor images in order; `builds` is the
    /// `/v1/builds?digest=` answer; `running` the `/v1/images/{digest}/running` answer.
    init(
        image: APIValue, bases: [(base: APIValue, image: APIValue?)], successors: [APIValue], findings: APIValue,
        filters: [String: String], disagreements: APIValue, rebuild: APIValue, builds: APIValue, running: APIValue,
        chrome: DashboardChrome
    ) {
        self.chrome = chrome
        let digest = image["digest"].text
        self.digest = digest
        title = "Image " + DashboardFormat.shortDigest(digest)
        let repository = image["repository"].text
        self.repository = repository
        tags = image["tags"].array.map { Tag(name: $0["name"].text, reference: $0["reference"].text) }
        platform = image["platform"].string
        created = DashboardFormat.time(image["created"].string)
        firstSeen = DashboardFormat.time(image["first_seen"].string)
        lastSeen = DashboardFormat.time(image["last_seen"].string)
        sourceRevision = image["source"]["repository"].string.map { repository in
            image["source"]["revision"].string.map { repository + " @ " + $0 } ?? repository
        }
        labels = image["labels"].object.map { Label(key: $0.key, value: $0.value.text) }
        let signature = image["signature"]
        signatureState = signature["state"].string ?? "unchecked"
        signatureKey = signature["key"].string
        signatureCheckedAt = signature["checked_at"].string.map { DashboardFormat.time($0) }
        signatureDetail = signature["detail"].string

        lineage = bases.map { base, tracked in
            Step(
                reference: base["reference"].text, stepDigest: base["digest"].string,
                stepHref: tracked != nil ? base["digest"].string.map(DashboardFormat.imagePath) : nil,
                tags: tracked?["tags"].array.map { $0["name"].text } ?? [])
        }
        predecessor = image["predecessor"].string.map { Self.step(digest: $0, repository: repository) }
        self.successors = successors.map { successor in
            Step(
                reference: successor["repository"].text, stepDigest: successor["digest"].string,
                stepHref: successor["digest"].string.map(DashboardFormat.imagePath), tags: successor["tags"].array.map { $0["name"].text })
        }

        self.findings = findings["items"].array.map(Self.finding)
        let path = DashboardFormat.imagePath(digest)
        findingsAction = path
        let listed = Self.filterNames.map { ($0, filters[$0]) }
        pager = DashboardPager(
            path: path, csvPath: path + "/findings.csv", filters: listed, limit: filters["limit"], cursor: filters["cursor"],
            nextCursor: findings["next_cursor"].string)
        severityOptions = DashboardOption.severities(selected: filters["min_severity"])
        stateOptions = DashboardOption.list(
            [("affected", "Affected"), ("suppressed", "Suppressed by VEX"), ("resolved", "Resolved")], selected: filters["state"])
        sourceOptions = DashboardOption.list(
            [("both", "PatchTrack and scanner"), ("patchtrack", "PatchTrack only"), ("scanner", "Scanner only")],
            selected: filters["source"])
        filtered = Self.filterNames.contains { filters[$0] != nil }

        self.disagreements = disagreements["items"].array.map {
            let kind = $0["kind"].text
            let advisory = $0["finding"]["advisory"].text
            return Disagreement(
                kind: kind, label: DashboardFormat.label(kind), reason: $0["reason"].text, advisory: advisory,
                advisoryHref: DashboardFormat.advisoryPath(advisory), package: $0["finding"]["package"].text)
        }

        counted = rebuild["counted"].bool ?? false
        needsRebuild = rebuild["needs_rebuild"].bool ?? false
        rebuildDetail = rebuild["detail"].text
        wave = rebuild["entry"]["wave"].int
        reasons = rebuild["entry"]["reasons"].array.map(RebuildReasonView.init)
        checks = rebuild["checks"].array.map {
            Check(name: $0["name"].text, label: DashboardFormat.label($0["name"].text), detail: $0["detail"].text)
        }

        self.builds = builds["items"].array.compactMap { Self.build($0, digest: digest) }
        runs = running["items"].array.map {
            let environment = $0["environment"].text
            return Run(
                environment: environment, environmentHref: DashboardFormat.environmentPath(environment), workload: $0["workload"].text,
                container: $0["container"].text, initContainer: $0["init"].bool ?? false, replicas: $0["replicas"].int ?? 0)
        }
    }

    private static func step(digest: String, repository: String) -> Step {
        Step(reference: repository, stepDigest: digest, stepHref: DashboardFormat.imagePath(digest), tags: [])
    }

    private static func finding(_ item: APIValue) -> Finding {
        let advisory = item["advisory"].text
        let source = item["source"].text
        // `suppressed_by` is the statement when it suppresses; `statement` is any statement that applies.
        let statement = item["suppressed_by"].isNull ? item["statement"] : item["suppressed_by"]
        return Finding(
            advisory: advisory, advisoryHref: DashboardFormat.advisoryPath(advisory), vulnerability: item["vulnerability_id"].text,
            package: item["package"].text, installed: item["installed_version"].text, fixed: item["fixed_version"].string ?? "no fix yet",
            severity: item["severity"].text, state: item["state"].text,
            foundBy: ["both": "PatchTrack and scanner", "patchtrack": "PatchTrack only", "scanner": "Scanner only"][source] ?? source,
            source: source, statement: statement["status"].string, justification: statement["justification"].string,
            impact: statement["impact_statement"].string, kev: !item["kev"].isNull,
            epss: item["epss"]["score"].double.map { String(format: "%.2f", $0) },
            firstDetected: DashboardFormat.time(item["first_detected"].string))
    }

    /// A build that produced `digest` or rebuilds it (the API answers no other).
    private static func build(_ item: APIValue, digest: String) -> Build? {
        let produced = item["digest"].string == digest
        let replaced = item["replaces"].string == digest
        guard produced || replaced else { return nil }
        let other = produced ? item["replaces"].string : item["digest"].string
        return Build(
            id: item["id"].int ?? 0, tag: item["tag"].text, status: item["status"].text,
            relation: produced ? "built this image" : "rebuilds this image", otherDigest: other.map(DashboardFormat.shortDigest),
            otherHref: other.map(DashboardFormat.imagePath), started: DashboardFormat.time(item["started_at"].string),
            finished: DashboardFormat.time(item["finished_at"].string), reportedBy: item["reported_by"].text, url: item["url"].string,
            urlHref: item["url"].string.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil },
            message: item["message"].string)
    }
}
