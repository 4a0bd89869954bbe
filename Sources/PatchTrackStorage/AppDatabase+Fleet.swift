import Foundation
import GRDB
import PatchTrackCore

/// What one environment runs now, and how much of it is vulnerable.
public struct EnvironmentExposure: Sendable, Equatable {
    public var environment: String
    public var stage: String
    public var order: Int
    public var inventoryAt: String?
    public var workloads: Int
    public var replicas: Int
    /// Workloads and replicas (pods) running at least one digest with an open finding.
    public var vulnerableWorkloads: Int
    public var vulnerableReplicas: Int
    /// Vulnerable replicas by the highest severity of the digests they run.
    public var vulnerableReplicasBySeverity: [SeverityLevel: Int]
}

/// The figures of a dashboard's header (`GET /v1/status`), except the rebuild plan's.
public struct FleetStatus: Sendable {
    public var generatedAt: Date
    public var images: Int
    public var runningImages: Int
    public var supersededImages: Int
    /// Open findings (not suppressed by VEX, not closed) by severity and fixability.
    public var openFindings: [FleetMetrics.FindingCount]
    public var environments: [EnvironmentExposure]
    /// Active rollouts by state.
    public var activeRollouts: [RolloutState: Int]
    public var slaBreached: [SeverityLevel: Int]
    public var slaDueSoon: [SeverityLevel: Int]
    /// Time-to-patch in seconds of findings closed in the window, by severity.
    public var timeToPatch: [SeverityLevel: [Double]]
    /// Time-to-patch in seconds of every closed finding, by severity (the `/metrics` histogram, which only grows as
    /// findings close, as Prometheus histograms should).
    public var timeToPatchAllTime: [SeverityLevel: [Double]]
    public var windowDays: Int
}

extension AppDatabase {
    /// ``SeverityLevel/rank`` of the text in `column`, as SQL: `CASE column WHEN 'unknown' THEN 0 … WHEN 'critical'
    /// THEN 4 ELSE 0 END`, built from Core's levels and ranks so the order is stated only there; text that is no
    /// level ranks as `unknown`.
    static func severityRankSQL(of column: String) -> String {
        let cases = SeverityLevel.allCases.map { "WHEN '\($0.rawValue)' THEN \($0.rank)" }.joined(separator: " ")
        return "CASE \(column) \(cases) ELSE \(SeverityLevel.unknown.rank) END"
    }

    /// The rank of a finding's or advisory's `severityLevel` column, for SQL aggregates.
    static let severityRankSQL = severityRankSQL(of: "severityLevel")

    /// The fleet at `now`: a few aggregate queries for the open findings, timelines only for findings of superseded
    /// images (the only ones that can be closed).
    ///
    /// Two read transactions run in parallel: one takes the finding facts (the VEX-suppressed findings and each
    /// image's highest open severity, cached until a write can change them) and the environments' exposure, the
    /// other counts everything else with the suppressed still in; they are taken out when both are done. (A write
    /// landing between the two can show in one part only, as in any two dashboard calls.)
    public func fleetStatus(windowDays: Int = 30) async throws -> FleetStatus {
        let now = self.now()
        async let findingSide = pool.read { db in
            let facts = try self.findingFacts(db)
            return (facts, try Self.environmentExposure(db, imageRank: facts.imageRank), try Self.suppressedOpenFindings(db, facts.suppressed))
        }
        let counts = try await pool.read { db in try Self.fleetCounts(db, now: now, windowDays: windowDays) }
        let (facts, environments, suppressedOpen) = try await findingSide
        return counts.status(suppressed: facts.suppressed, suppressedOpen: suppressedOpen, environments: environments, now: now)
    }

    /// Severity, fixability and detection time of the open findings in `suppressed`.
    static func suppressedOpenFindings(_ db: Database, _ suppressed: Set<Int64>) throws -> [FleetCounts.Finding] {
        guard !suppressed.isEmpty else { return [] }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, severityLevel, fixedVersion IS NOT NULL AS fixable, firstDetected FROM finding
                WHERE state = 'open' AND id IN (SELECT value FROM json_each(?))
                """, arguments: [jsonArray(Array(suppressed))])
        var findings: [FleetCounts.Finding] = []
        while let row = try rows.next() {
            findings.append(.init(id: row[0], severity: SeverityLevel(rawValue: row[1]) ?? .unknown, fixable: row[2], detected: Timestamp.parse(row[3])))
        }
        return findings
    }

    /// Everything but the environments' exposure, with the VEX-suppressed findings still counted.
    static func fleetCounts(_ db: Database, now: Date, windowDays: Int) throws -> FleetCounts {
        let facts = try TimelineFacts.load(db, suppressed: [])
        // Open findings by severity and fixability, then how many are past or near their due time: index range counts
        // on (state, severity, fixable, firstDetected), corrected later for the suppressed and the closed.
        var counts = FleetCounts(serviceLevel: facts.serviceLevel, windowDays: windowDays)
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT severityLevel, fixedVersion IS NOT NULL AS fixable, count(*) AS n FROM finding WHERE state = 'open'
                GROUP BY severityLevel, fixedVersion IS NOT NULL
                """)
        {
            counts.open[FleetCounts.key(SeverityLevel(rawValue: row["severityLevel"]) ?? .unknown, row["fixable"]), default: 0] += row["n"]
        }
        let before = try db.cachedStatement(
            sql: """
                SELECT count(*) FROM finding
                WHERE state = 'open' AND severityLevel = ? AND (fixedVersion IS NOT NULL) = ? AND firstDetected < ?
                """)
        let upTo = try db.cachedStatement(
            sql: """
                SELECT count(*) FROM finding
                WHERE state = 'open' AND severityLevel = ? AND (fixedVersion IS NOT NULL) = ? AND firstDetected <= ?
                """)
        for severity in SeverityLevel.allCases {
            guard let days = facts.serviceLevel.days(for: severity) else { continue }
            // Past due: detected before now − days; due within a day: detected from then to a day later.
            let breachCutoff = now.addingTimeInterval(-Double(days) * 86_400)
            let soonCutoff = Timestamp.format(breachCutoff.addingTimeInterval(86_400))
            for fixable in [false, true] {
                let late = try Int.fetchOne(before, arguments: [severity.rawValue, fixable, Timestamp.format(breachCutoff)]) ?? 0
                let early = try Int.fetchOne(upTo, arguments: [severity.rawValue, fixable, soonCutoff]) ?? 0
                counts.breached[severity, default: 0] += late
                counts.soon[severity, default: 0] += early - late
            }
        }
        // Closed findings are all on superseded images; only the columns the closing time needs (no joins).
        if !facts.supersessions.isEmpty {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, imageId, advisoryId, packageName, severityLevel, fixedVersion IS NOT NULL AS fixable, firstDetected
                    FROM finding WHERE state = 'open' AND imageId IN (SELECT imageId FROM supersession)
                    """)
            while let row = try rows.next() {
                let id: Int64 = row[0]
                guard let detected = Timestamp.parse(row[6]) else { continue }
                let timeline = facts.timeline(
                    findingId: id, imageId: row[1], advisoryId: row[2], packageName: row[3], firstDetected: detected, published: nil,
                    fixAvailable: nil)
                guard let closedAt = timeline.closedAt else { continue }
                counts.closed.append(
                    .init(
                        finding: .init(id: id, severity: SeverityLevel(rawValue: row[4]) ?? .unknown, fixable: row[5], detected: detected),
                        closedAt: closedAt, seconds: timeline.timeToPatch))
            }
        }
        let totals = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT count(*) FROM image) AS images,
                    (SELECT count(DISTINCT imageId) FROM imageRunning WHERE stoppedAt IS NULL) AS running,
                    (SELECT count(*) FROM supersession) AS superseded
                """)!
        counts.images = totals["images"]
        counts.runningImages = totals["running"]
        counts.supersededImages = totals["superseded"]
        for row in try Row.fetchAll(
            db, sql: "SELECT state, count(*) AS n FROM rollout WHERE state IN ('progressing', 'paused', 'promoted') GROUP BY state")
        {
            if let state = RolloutState(rawValue: row["state"]) { counts.activeRollouts[state] = row["n"] }
        }
        return counts
    }

    /// Every environment's newest inventory against the open findings: a workload counts as vulnerable with the
    /// replicas of its most widely run vulnerable digest, at the highest severity of its vulnerable digests.
    /// `imageRank`: each image's highest open, unsuppressed severity rank (``FindingFactsCache``).
    static func environmentExposure(_ db: Database, imageRank: [Int64: Int]) throws -> [EnvironmentExposure] {
        var result = try environments(db, name: nil).map {
            EnvironmentExposure(
                environment: $0.name, stage: $0.stage, order: $0.order, inventoryAt: $0.inventoryAt, workloads: $0.workloads,
                replicas: $0.replicas, vulnerableWorkloads: 0, vulnerableReplicas: 0, vulnerableReplicasBySeverity: [:])
        }
        let index = Dictionary(uniqueKeysWithValues: result.enumerated().map { ($1.environment, $0) })
        var workloads: [Int64: (environment: Int, rank: Int, replicas: Int)] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.name, c.workloadId, c.imageId, c.replicas
                FROM environment e CROSS JOIN inventoryContainer c ON c.snapshotId = e.currentSnapshotId
                """)
        while let row = try rows.next() {
            guard let rank = imageRank[row[2]], let environment = index[row[0] as String] else { continue }
            let workloadId: Int64 = row[1]
            let replicas: Int = row[3]
            if let seen = workloads[workloadId] {
                workloads[workloadId] = (environment, max(seen.rank, rank), max(seen.replicas, replicas))
            } else {
                workloads[workloadId] = (environment, rank, replicas)
            }
        }
        for workload in workloads.values {
            let severity = SeverityLevel(rank: workload.rank) ?? .unknown
            result[workload.environment].vulnerableWorkloads += 1
            result[workload.environment].vulnerableReplicas += workload.replicas
            result[workload.environment].vulnerableReplicasBySeverity[severity, default: 0] += workload.replicas
        }
        return result
    }

    /// The open findings past their due time or due within 24 hours (not closed, not suppressed), soonest due first.
    public func slaBreaches(includeDueSoon: Bool, severity: SeverityLevel?) async throws -> [FindingProgress] {
        let now = self.now()
        return try await pool.read { db in
            let facts = try TimelineFacts.load(db, suppressed: try self.findingFacts(db).suppressed)
            // Detected before the latest detection time that can be due within a day, per severity.
            var conditions: [SQL] = []
            for level in SeverityLevel.allCases where severity == nil || severity == level {
                guard let days = facts.serviceLevel.days(for: level) else { continue }
                let latest = Timestamp.format(now.addingTimeInterval(-Double(days) * 86_400 + (includeDueSoon ? 86_400 : 0)))
                conditions.append("(f.severityLevel = \(level.rawValue) AND f.firstDetected <= \(latest))")
            }
            guard !conditions.isEmpty else { return [] }
            let wanted: Set<SLAVerdict> = includeDueSoon ? [.breached, .dueSoon] : [.breached]
            return try Self.findingProgress(db, facts: facts, now: now, literal: "(" + conditions.joined(separator: " OR ") + ")")
                .filter { wanted.contains($0.sla) }
                .sorted { ($0.due ?? .distantFuture, $0.findingId) < ($1.due ?? .distantFuture, $1.findingId) }
        }
    }
}

extension FleetMetrics {
    /// The figures of `status` for `/metrics`, with the rebuild plan's counts by reason.
    public init(_ status: FleetStatus, imagesNeedingRebuild: [String: Int]) {
        var replicas: [ReplicaCount] = []
        for environment in status.environments {
            for (severity, count) in environment.vulnerableReplicasBySeverity.sorted(by: { $0.key > $1.key }) {
                replicas.append(.init(environment: environment.environment, severity: severity, replicas: count))
            }
        }
        self.init(
            imagesNeedingRebuild: imagesNeedingRebuild, openFindings: status.openFindings, vulnerableReplicas: replicas,
            slaBreaches: status.slaBreached, timeToPatchSeconds: status.timeToPatchAllTime)
    }
}

/// The fleet's counts read in one transaction while the VEX-suppressed findings are read in another: open findings
/// (suppressed included), SLA standings by detection time, and the closed findings, corrected by ``status(…)``.
struct FleetCounts: Sendable {
    /// An open finding as the corrections need it.
    struct Finding: Sendable {
        var id: Int64
        var severity: SeverityLevel
        var fixable: Bool
        var detected: Date?
    }

    /// A finding whose patched digest is built and no longer runs anywhere.
    struct Closed: Sendable {
        var finding: Finding
        var closedAt: Date
        var seconds: Double?
    }

    var serviceLevel: ServiceLevel
    var windowDays: Int
    var open: [String: Int] = [:]
    var breached: [SeverityLevel: Int] = [:]
    var soon: [SeverityLevel: Int] = [:]
    var closed: [Closed] = []
    var images = 0
    var runningImages = 0
    var supersededImages = 0
    var activeRollouts: [RolloutState: Int] = [:]

    static func key(_ severity: SeverityLevel, _ fixable: Bool) -> String { "\(severity.rawValue)|\(fixable)" }

    /// Takes `finding`, counted as open by detection time, out of the open and SLA counts.
    private mutating func remove(_ finding: Finding, now: Date) {
        open[Self.key(finding.severity, finding.fixable), default: 0] -= 1
        let due = finding.detected.flatMap { serviceLevel.due(detected: $0, severity: finding.severity) }
        switch ServiceLevel.verdict(due: due, closedAt: nil, now: now) {
        case .breached: breached[finding.severity, default: 0] -= 1
        case .dueSoon: soon[finding.severity, default: 0] -= 1
        default: break
        }
    }

    /// The status: the suppressed and the closed (suppressed ones excepted) leave the open counts; the closed give
    /// time-to-patch.
    func status(
        suppressed: Set<Int64>, suppressedOpen: [Finding], environments: [EnvironmentExposure], now: Date
    ) -> FleetStatus {
        var counts = self
        for finding in suppressedOpen { counts.remove(finding, now: now) }
        var timeToPatch: [SeverityLevel: [Double]] = [:]
        var timeToPatchAllTime: [SeverityLevel: [Double]] = [:]
        let windowStart = now.addingTimeInterval(-Double(windowDays) * 86_400)
        for closed in closed where !suppressed.contains(closed.finding.id) {
            counts.remove(closed.finding, now: now)
            guard let seconds = closed.seconds else { continue }
            timeToPatchAllTime[closed.finding.severity, default: []].append(seconds)
            if closed.closedAt >= windowStart { timeToPatch[closed.finding.severity, default: []].append(seconds) }
        }
        var openFindings: [FleetMetrics.FindingCount] = []
        for severity in SeverityLevel.allCases.reversed() {
            for fixable in [true, false] {
                openFindings.append(.init(severity: severity, fixable: fixable, count: counts.open[Self.key(severity, fixable)] ?? 0))
            }
        }
        return FleetStatus(
            generatedAt: now, images: images, runningImages: runningImages, supersededImages: supersededImages,
            openFindings: openFindings, environments: environments, activeRollouts: activeRollouts,
            slaBreached: counts.breached.filter { $0.value > 0 }, slaDueSoon: counts.soon.filter { $0.value > 0 },
            timeToPatch: timeToPatch, timeToPatchAllTime: timeToPatchAllTime, windowDays: windowDays)
    }
}
