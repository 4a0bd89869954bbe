import Foundation
import PatchTrackCore

/// `/ui/advisories/{id}`: one vulnerability from the API's answers about it — the record (`GET /v1/advisories/{id}`),
/// the images with open findings of it (`/images`), how far patching has got (`/progress`), vulnerable replicas per
/// environment over time (`/exposure`) and, for the stage the progress answer does not carry (fix available), one
/// finding's timeline (`GET /v1/findings/{id}/timeline`).
struct AdvisoryView {
    struct Link {
        let text: String
        let href: String
    }
    struct Figure {
        let id: String
        let label: String
        let value: Int
    }
    struct Stage {
        let key: String
        let label: String
        let at: String
        let afterDetection: String
        let reached: Bool
    }
    struct AffectedImage {
        let digest: String
        let href: String
        let shortDigest: String
        let repository: String
        let tags: [String]
        let openFindings: Int
    }
    struct ImageProgress {
        let digest: String
        let href: String
        let shortDigest: String
        let repository: String
        let severity: String
        let fixable: Bool
        let findings: Int
        let stage: String
        let stageLabel: String
        let patchedHref: String?
        let patchedDigest: String?
        let patchedBuiltAt: String
        let closedAt: String
        let running: [Link]
    }
    struct Environment {
        let name: String
        let href: String
        let stage: String
        let status: String
        let vulnerableWorkloads: Int
        let vulnerableReplicas: Int
        let patchedReplicas: Int
        let activeRollouts: Int
        let completedRollouts: Int
    }

    /// Classes of the exposure chart's series, one per environment in turn (style.css colours `s-env1`…`s-env6`).
    static let seriesClasses = ["env1", "env2", "env3", "env4", "env5", "env6"]

    let title: String
    let chrome: DashboardChrome
    let id: String
    let vulnerabilityId: String
    let summary: String?
    let aliases: [Link]
    let related: [Link]
    let upstream: [String]
    let severity: String
    let score: String?
    let scoreSource: String?
    let published: String
    let modified: String
    let withdrawn: String?
    let openFindings: Int
    let figures: [Figure]
    let currentStage: String
    let stages: [Stage]
    let affected: [AffectedImage]
    let progress: [ImageProgress]
    let environments: [Environment]
    let exposure: DashboardChart
    let exposureCSV: String

    /// The view of the API's answers about one advisory; `timeline` is one of its findings' timelines, when any.
    init(advisory: APIValue, images: APIValue, progress: APIValue, exposure: APIValue, timeline: APIValue?, chrome: DashboardChrome) {
        self.chrome = chrome
        id = advisory["id"].text
        title = "Advisory " + id
        vulnerabilityId = advisory["vulnerability_id"].text
        summary = advisory["summary"].string
        aliases = advisory["aliases"].array.map { Link(text: $0.text, href: DashboardFormat.advisoryPath($0.text)) }
        related = advisory["related"].array.map { Link(text: $0.text, href: DashboardFormat.advisoryPath($0.text)) }
        upstream = advisory["upstream"].array.map(\.text)
        severity = advisory["severity"]["level"].string ?? "unknown"
        score = advisory["severity"]["score"].double.map { String(format: "%.1f", $0) }
        scoreSource = advisory["severity"]["source"].string
        published = DashboardFormat.time(advisory["published"].string)
        modified = DashboardFormat.time(advisory["modified"].string)
        withdrawn = advisory["withdrawn"].string.map { DashboardFormat.time($0) }
        openFindings = advisory["open_findings"].int ?? 0

        let summary = progress["summary"]
        figures = [
            ("affected_images", "Affected images"), ("rebuilt_images", "Rebuilt"), ("rolled_out_images", "Rolled out"),
            ("open_findings", "Open findings"), ("closed_findings", "Closed findings"), ("sla_breached", "SLA breached"),
            ("sla_due_within_24h", "Due within 24 h"),
        ].map { Figure(id: $0.0.replacingOccurrences(of: "_", with: "-"), label: $0.1, value: summary[$0.0].int ?? 0) }
        currentStage = summary["stage"].string.map(DashboardFormat.label) ?? "—"
        stages = Self.stages(advisory: advisory, progress: progress["stages"], timeline: timeline?["stages"])

        affected = images["items"].array.map { item in
            let image = item["image"]
            let digest = image["digest"].text
            return AffectedImage(
                digest: digest, href: DashboardFormat.imagePath(digest), shortDigest: DashboardFormat.shortDigest(digest),
                repository: image["repository"].text, tags: image["tags"].array.map { $0["name"].text },
                openFindings: item["open_findings"].int ?? 0)
        }
        self.progress = progress["images"].array.map { image in
            let digest = image["digest"].text
            let patched = image["patched_digest"].string
            return ImageProgress(
                digest: digest, href: DashboardFormat.imagePath(digest), shortDigest: DashboardFormat.shortDigest(digest),
                repository: image["repository"].text, severity: image["severity"].text, fixable: image["fixable"].bool ?? false,
                findings: image["findings"].int ?? 0, stage: image["stage"].text, stageLabel: DashboardFormat.label(image["stage"].text),
                patchedHref: patched.map(DashboardFormat.imagePath), patchedDigest: patched.map(DashboardFormat.shortDigest),
                patchedBuiltAt: DashboardFormat.time(image["patched_built_at"].string),
                closedAt: DashboardFormat.time(image["closed_at"].string),
                running: image["running"].array.map {
                    let environment = $0["environment"].text
                    return Link(text: "\(environment) ×\($0["replicas"].text)", href: DashboardFormat.environmentPath(environment))
                })
        }
        environments = progress["environments"].array.map {
            let name = $0["name"].text
            return Environment(
                name: name, href: DashboardFormat.environmentPath(name), stage: $0["stage"].text, status: $0["status"].text,
                vulnerableWorkloads: $0["vulnerable_workloads"].int ?? 0, vulnerableReplicas: $0["vulnerable_replicas"].int ?? 0,
                patchedReplicas: $0["patched_replicas"].int ?? 0, activeRollouts: $0["active_rollouts"].int ?? 0,
                completedRollouts: $0["completed_rollouts"].int ?? 0)
        }
        self.exposure = Self.chart(exposure)
        exposureCSV = DashboardFormat.advisoryPath(id) + "/exposure.csv"
    }

    /// The seven stages of a patch, each with its time and the time after the first detection: published and fix
    /// available from the advisory and a finding's timeline, the rest from the progress answer.
    private static func stages(advisory: APIValue, progress: APIValue, timeline: APIValue?) -> [Stage] {
        let detected = progress["first_detected"].string
        let times: [(String, String, String?)] = [
            ("advisory_published", "Advisory published", advisory["published"].string),
            ("fix_available", "Fix available", timeline?["fix_available"].string),
            ("first_detected", "First detected", detected),
            ("patched_digest_built", "Patched digest built", progress["first_patched_build"].string),
            ("first_rollout_started", "Rollout started", progress["first_rollout_started"].string),
            ("canary_complete", "Canary complete", progress["canary_complete"].string),
            ("fully_rolled_out", "Fully rolled out", progress["fully_rolled_out"].string),
        ]
        return times.map { key, label, at in
            var after = "—"
            if let elapsed = DashboardFormat.seconds(from: detected, to: at) {
                // Less than half a minute before the detection (a fix recorded as the scan ran) rounds to no time.
                after = elapsed <= -30 ? DashboardFormat.duration(-elapsed) + " before" : DashboardFormat.duration(max(elapsed, 0))
            }
            return Stage(key: key, label: label, at: DashboardFormat.time(at), afterDetection: after, reached: at != nil)
        }
    }

    /// Vulnerable replicas per environment over time: one point per snapshot time of any environment, each
    /// environment's line holding its newest snapshot's value at that time (0 before its first).
    static func chart(_ exposure: APIValue) -> DashboardChart {
        let items = exposure["items"].array
        var names: [String] = []
        for name in items.map({ $0["environment"].text }) where !names.contains(name) { names.append(name) }
        let times = Array(Set(items.compactMap { $0["taken_at"].string })).sorted()
        let series = names.enumerated().map { index, name in
            let points = items.filter { $0["environment"].text == name }
                .compactMap { item in item["taken_at"].string.map { ($0, Double(item["replicas"].int ?? 0)) } }
                .sorted { $0.0 < $1.0 }
            var values: [Double] = []
            var position = 0
            var current = 0.0
            for time in times {
                while position < points.count, points[position].0 <= time {
                    current = points[position].1
                    position += 1
                }
                values.append(current)
            }
            return (name: name, cls: seriesClasses[index % seriesClasses.count], values: values)
        }
        var chart = DashboardChart.lines(
            id: "chart-exposure", title: "Vulnerable replicas per environment, by inventory snapshot",
            labels: times.map { String(DashboardFormat.time($0).dropFirst(5).dropLast(4)) }, series: series)
        chart.header = ["Snapshot"] + names
        return chart
    }
}
