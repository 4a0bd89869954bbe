import Foundation
import PatchTrackCore
import PatchTrackStorage

/// `GET /v1/status`: one call for a dashboard's header.
struct StatusResponse: Encodable {
    struct Images: Encodable {
        let total: Int
        let running: Int
        let superseded: Int
        let needingRebuild: Int
        let rebuildReasons: [String: Int]
        let rebuildsComputedAt: String

        enum CodingKeys: String, CodingKey {
            case total, running, superseded
            case needingRebuild = "needing_rebuild"
            case rebuildReasons = "rebuild_reasons"
            case rebuildsComputedAt = "rebuilds_computed_at"
        }
    }

    struct Fixability: Encodable {
        let fixable: Int
        let unfixable: Int
    }

    struct Findings: Encodable {
        let open: Int
        let bySeverity: [String: Fixability]

        enum CodingKeys: String, CodingKey {
            case open
            case bySeverity = "by_severity"
        }
    }

    struct Environment: Encodable {
        let name: String
        let stage: String
        let order: Int
        let inventoryAt: String?
        let workloads: Int
        let replicas: Int
        let vulnerableWorkloads: Int
        let vulnerableReplicas: Int
        let vulnerableReplicasBySeverity: [String: Int]

        enum CodingKeys: String, CodingKey {
            case name, stage, order, workloads, replicas
            case inventoryAt = "inventory_at"
            case vulnerableWorkloads = "vulnerable_workloads"
            case vulnerableReplicas = "vulnerable_replicas"
            case vulnerableReplicasBySeverity = "vulnerable_replicas_by_severity"
        }
    }

    struct Rollouts: Encodable {
        let active: Int
        let byState: [String: Int]

        enum CodingKeys: String, CodingKey {
            case active
            case byState = "by_state"
        }
    }

    struct SLA: Encodable {
        let breached: Int
        let dueWithin24h: Int
        let breachedBySeverity: [String: Int]
        let dueWithin24hBySeverity: [String: Int]

        enum CodingKeys: String, CodingKey {
            case breached
            case dueWithin24h = "due_within_24h"
            case breachedBySeverity = "breached_by_severity"
            case dueWithin24hBySeverity = "due_within_24h_by_severity"
        }
    }

    struct Duration: Encodable {
        let closed: Int
        let medianSeconds: Double?
        let p90Seconds: Double?

        init(_ values: [Double]) {
            closed = values.count
            medianSeconds = Percentile.of(values, 50).map(roundedSeconds)
            p90Seconds = Percentile.of(values, 90).map(roundedSeconds)
        }

        enum CodingKeys: String, CodingKey {
            case closed
            case medianSeconds = "median_seconds"
            case p90Seconds = "p90_seconds"
        }
    }

    struct TimeToPatch: Encodable {
        let windowDays: Int
        let bySeverity: [String: Duration]
        /// Time from detection to each later stage (`patched_digest_built` … `fully_rolled_out`), of the findings
        /// closed in the window.
        let byStage: [String: Duration]

        enum CodingKeys: String, CodingKey {
            case windowDays = "window_days"
            case bySeverity = "by_severity"
            case byStage = "by_stage"
        }
    }

    let generatedAt: String
    let images: Images
    let findings: Findings
    let environments: [Environment]
    let rollouts: Rollouts
    let sla: SLA
    let timeToPatch: TimeToPatch
    /// Each feed's freshness: whether what the service knows is current.
    var feeds: [FeedSummary] = []

    enum CodingKeys: String, CodingKey {
        case images, findings, environments, rollouts, sla, feeds
        case generatedAt = "generated_at"
        case timeToPatch = "time_to_patch"
    }

    /// The severities a dashboard shows, each always present.
    static let severities: [SeverityLevel] = SeverityLevel.allCases.reversed()

    init(_ status: FleetStatus, plan: RebuildPlan, planComputedAt: Date) {
        generatedAt = Timestamp.format(status.generatedAt)
        images = Images(
            total: status.images, running: status.runningImages, superseded: status.supersededImages, needingRebuild: plan.entries.count,
            rebuildReasons: PlanSource.reasonCounts(plan), rebuildsComputedAt: Timestamp.format(planComputedAt))
        var bySeverity: [String: Fixability] = [:]
        for severity in Self.severities {
            let counts = status.openFindings.filter { $0.severity == severity }
            bySeverity[severity.rawValue] = Fixability(
                fixable: counts.filter(\.fixable).reduce(0) { $0 + $1.count }, unfixable: counts.filter { !$0.fixable }.reduce(0) { $0 + $1.count })
        }
        findings = Findings(open: status.openFindings.reduce(0) { $0 + $1.count }, bySeverity: bySeverity)
        environments = status.environments.map {
            Environment(
                name: $0.environment, stage: $0.stage, order: $0.order, inventoryAt: $0.inventoryAt, workloads: $0.workloads,
                replicas: $0.replicas, vulnerableWorkloads: $0.vulnerableWorkloads, vulnerableReplicas: $0.vulnerableReplicas,
                vulnerableReplicasBySeverity: Self.bySeverity($0.vulnerableReplicasBySeverity))
        }
        rollouts = Rollouts(
            active: status.activeRollouts.values.reduce(0, +),
            byState: Dictionary(uniqueKeysWithValues: RolloutState.allCases.filter(\.isActive).map { ($0.rawValue, status.activeRollouts[$0] ?? 0) }))
        sla = SLA(
            breached: status.slaBreached.values.reduce(0, +), dueWithin24h: status.slaDueSoon.values.reduce(0, +),
            breachedBySeverity: Self.bySeverity(status.slaBreached), dueWithin24hBySeverity: Self.bySeverity(status.slaDueSoon))
        var durations: [String: Duration] = [:]
        for severity in Self.severities { durations[severity.rawValue] = Duration(status.timeToPatch[severity] ?? []) }
        var stages: [String: Duration] = [:]
        for stage in PatchStage.allCases where stage != .detected { stages[stage.rawValue] = Duration(status.timeToStage[stage] ?? []) }
        timeToPatch = TimeToPatch(windowDays: status.windowDays, bySeverity: durations, byStage: stages)
    }

    private static func bySeverity(_ counts: [SeverityLevel: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: severities.map { ($0.rawValue, counts[$0] ?? 0) })
    }
}

/// `GET /v1/status/trend`: findings open at the end of each day, by severity.
struct TrendResponse: Encodable {
    struct Point: Encodable {
        let day: String
        let open: [String: Int]
    }

    let days: Int
    let points: [Point]

    init(days: Int, points: [FindingTrend.Point]) {
        self.days = days
        self.points = points.map { point in
            Point(day: point.day, open: Dictionary(uniqueKeysWithValues: StatusResponse.severities.map { ($0.rawValue, point.open[$0] ?? 0) }))
        }
    }
}

/// One finding's patch timeline and SLA standing (`GET /v1/findings/{id}/timeline`, SLA breach lists).
struct FindingTimelineResponse: Encodable {
    struct Stages: Encodable {
        let advisoryPublished: String?
        let fixAvailable: String?
        let firstDetected: String
        let patchedDigestBuilt: String?
        let firstRolloutStarted: String?
        let canaryComplete: String?
        let fullyRolledOut: String?

        enum CodingKeys: String, CodingKey {
            case advisoryPublished = "advisory_published"
            case fixAvailable = "fix_available"
            case firstDetected = "first_detected"
            case patchedDigestBuilt = "patched_digest_built"
            case firstRolloutStarted = "first_rollout_started"
            case canaryComplete = "canary_complete"
            case fullyRolledOut = "fully_rolled_out"
        }
    }

    struct SLA: Encodable {
        let due: String?
        let status: String
        let overdueSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case due, status
            case overdueSeconds = "overdue_seconds"
        }
    }

    let findingId: Int64
    let vulnerabilityId: String
    let advisoryId: String
    let digest: String
    let repository: String
    let package: String
    let purl: String
    let installedVersion: String
    let fixedVersion: String?
    let severity: String
    let stage: String
    let closed: Bool
    let patchedDigest: String?
    let timeToPatchSeconds: Double?
    let stages: Stages
    let sla: SLA

    init(_ finding: FindingProgress, now: Date) {
        let timeline = finding.timeline
        func format(_ date: Date?) -> String? { date.map(Timestamp.format) }
        findingId = finding.findingId
        vulnerabilityId = finding.vulnerabilityId
        advisoryId = finding.advisoryId
        digest = finding.digest
        repository = finding.repository
        package = finding.packageName
        purl = finding.purl
        installedVersion = finding.installedVersion
        fixedVersion = finding.fixedVersion
        severity = finding.severity.rawValue
        stage = timeline.stage.rawValue
        closed = timeline.closedAt != nil
        patchedDigest = timeline.patchedDigest?.value
        timeToPatchSeconds = timeline.timeToPatch.map(roundedSeconds)
        stages = Stages(
            advisoryPublished: format(timeline.advisoryPublished), fixAvailable: format(timeline.fixAvailable),
            firstDetected: Timestamp.format(timeline.firstDetected), patchedDigestBuilt: format(timeline.patchedBuilt),
            firstRolloutStarted: format(timeline.firstRolloutStarted), canaryComplete: format(timeline.canaryComplete),
            fullyRolledOut: format(timeline.fullyRolledOut))
        let overdue = finding.due.map { roundedSeconds((timeline.closedAt ?? now).timeIntervalSince($0)) }.flatMap { $0 > 0 ? $0 : nil }
        sla = SLA(due: format(finding.due), status: finding.sla.rawValue, overdueSeconds: overdue)
    }

    enum CodingKeys: String, CodingKey {
        case digest, repository, package, purl, severity, stage, closed, stages, sla
        case findingId = "finding_id"
        case vulnerabilityId = "vulnerability_id"
        case advisoryId = "advisory_id"
        case installedVersion = "installed_version"
        case fixedVersion = "fixed_version"
        case patchedDigest = "patched_digest"
        case timeToPatchSeconds = "time_to_patch_seconds"
    }

    static let csvHeader = [
        "finding_id", "vulnerability_id", "severity", "repository", "digest", "package", "installed_version", "fixed_version",
        "first_detected", "due", "sla_status", "overdue_seconds", "stage",
    ]

    var csvRow: [String?] {
        [
            String(findingId), vulnerabilityId, severity, repository, digest, package, installedVersion, fixedVersion,
            stages.firstDetected, sla.due, sla.status, sla.overdueSeconds.map { String(Int($0)) }, stage,
        ]
    }
}

/// Seconds rounded to milliseconds (times are stored with millisecond precision).
func roundedSeconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
