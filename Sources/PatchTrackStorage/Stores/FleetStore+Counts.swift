import Foundation
import PatchTrackCore

extension FleetStore {
    /// Everything but the environments' exposure, with the VEX-suppressed findings still counted.
    static func fleetCounts(_ session: any SQLSession, now: Date, windowDays: Int) throws -> FleetCounts {
        let facts = try TimelineFacts.load(session, suppressed: [])
        // Open findings by severity and fixability, with how many are past or near their due time, in one pass over
        // the index on (state, severity, fixable, firstDetected); corrected later for the suppressed and the closed.
        // The due times are computed here, in Swift, one pair per severity, and compared with the stored RFC 3339
        // text: past due is detected before now − days, due within a day is detected from then to a day later.
        var counts = FleetCounts(serviceLevel: facts.serviceLevel, windowDays: windowDays)
        // CASE severityLevel WHEN … THEN cutoff … ELSE NULL END: no cutoff (a severity without days) counts nothing.
        var lateCutoff: SQLStatement = "CASE severityLevel"
        var soonCutoff: SQLStatement = "CASE severityLevel"
        for severity in SeverityLevel.allCases {
            guard let days = facts.serviceLevel.days(for: severity) else { continue }
            let breach = now.addingTimeInterval(-Double(days) * 86_400)
            lateCutoff = "\(lateCutoff) WHEN \(severity.rawValue) THEN \(Timestamp.format(breach))"
            soonCutoff = "\(soonCutoff) WHEN \(severity.rawValue) THEN \(Timestamp.format(breach.addingTimeInterval(86_400)))"
        }
        lateCutoff = "\(lateCutoff) ELSE NULL END"
        soonCutoff = "\(soonCutoff) ELSE NULL END"
        for row in try session.fetchAll(
            """
            SELECT severityLevel, fixedVersion IS NOT NULL AS fixable, count(*) AS n,
                sum(CASE WHEN firstDetected < \(lateCutoff) THEN 1 ELSE 0 END) AS late,
                sum(CASE WHEN firstDetected <= \(soonCutoff) THEN 1 ELSE 0 END) AS early
            FROM finding WHERE state = 'open'
            GROUP BY severityLevel, fixedVersion IS NOT NULL
            """)
        {
            let severity = SeverityLevel(rawValue: try row.decode(0)) ?? .unknown
            counts.open[FleetCounts.key(severity, try row.decode(1)), default: 0] += try row.decode(2, as: Int.self)
            let late = try row.decode(3, as: Int.self)
            counts.breached[severity, default: 0] += late
            counts.soon[severity, default: 0] += try row.decode(4, as: Int.self) - late
        }
        // Findings whose vulnerability is in KEV may be due earlier than their severity says (ServiceLevel): the
        // counts by detection time are corrected for each of them.
        counts.kevListings = try kevListings(session)
        if !counts.kevListings.isEmpty {
            for row in try session.fetchAll(
                """
                SELECT id, severityLevel, fixedVersion IS NOT NULL AS fixable, firstDetected FROM finding
                WHERE state = 'open' AND id IN \(set: counts.kevListings.keys.sorted())
                """)
            {
                let finding = FleetCounts.Finding(
                    id: try row.decode(0), severity: SeverityLevel(rawValue: try row.decode(1)) ?? .unknown, fixable: try row.decode(2),
                    detected: Timestamp.parse(try row.decode(3)))
                counts.correctForKEV(finding, now: now)
            }
        }
        // Closed findings are all on superseded images; only the columns the closing time needs (no joins).
        if !facts.supersessions.isEmpty {
            let rows = try session.fetchAll(
                """
                SELECT id, imageId, advisoryId, packageName, severityLevel, fixedVersion IS NOT NULL AS fixable, firstDetected
                FROM finding WHERE state = 'open' AND imageId IN (SELECT imageId FROM supersession)
                """)
            for row in rows {
                let id = try row.decode(0, as: Int64.self)
                guard let detected = Timestamp.parse(try row.decode(6, as: String.self)) else { continue }
                let timeline = facts.timeline(
                    findingId: id, imageId: try row.decode(1), advisoryId: try row.decode(2), packageName: try row.decode(3),
                    firstDetected: detected, published: nil, fixAvailable: nil)
                guard let closedAt = timeline.closedAt else { continue }
                let finding = FleetCounts.Finding(
                    id: id, severity: SeverityLevel(rawValue: try row.decode(4)) ?? .unknown, fixable: try row.decode(5), detected: detected)
                counts.closed.append(
                    .init(finding: finding, closedAt: closedAt, seconds: timeline.timeToPatch, stages: timeline.secondsToStage))
            }
        }
        if let totals = try session.fetchOne(
            """
            SELECT (SELECT count(*) FROM image) AS images,
                (SELECT count(DISTINCT imageId) FROM imageRunning WHERE stoppedAt IS NULL) AS running,
                (SELECT count(*) FROM supersession) AS superseded
            """)
        {
            counts.images = try totals.decode(0)
            counts.runningImages = try totals.decode(1)
            counts.supersededImages = try totals.decode(2)
        }
        for row in try session.fetchAll(
            "SELECT state, count(*) AS n FROM rollout WHERE state IN ('progressing', 'paused', 'promoted') GROUP BY state")
        {
            if let state = RolloutState(rawValue: try row.decode(0)) { counts.activeRollouts[state] = try row.decode(1, as: Int.self) }
        }
        return counts
    }
}

extension FleetStore {
    /// The KEV listing of each open finding whose vulnerability one reaches.
    static func kevListings(_ session: any SQLSession) throws -> [Int64: KEVEntry] {
        var vulnerabilityOf: [Int64: String] = [:]
        try session.forEachRow(
            "SELECT id, vulnerabilityId FROM finding WHERE state = 'open' AND vulnerabilityId IN (\(ExploitSignalReads.kevVulnerabilities))"
        ) { row in
            vulnerabilityOf[try row.decode(0)] = try row.decode(1)
        }
        guard !vulnerabilityOf.isEmpty else { return [:] }
        let signals = try ExploitSignalReads.signals(session, vulnerabilityIds: Set(vulnerabilityOf.values).sorted())
        return vulnerabilityOf.compactMapValues { signals[$0]?.kev }
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
        /// Seconds from detection to each stage reached.
        var stages: [PatchStage: Double] = [:]
    }

    var serviceLevel: ServiceLevel
    var windowDays: Int
    /// The KEV listings of the open findings that have one, by finding id.
    var kevListings: [Int64: KEVEntry] = [:]
    var open: [String: Int] = [:]
    var breached: [SeverityLevel: Int] = [:]
    var soon: [SeverityLevel: Int] = [:]
    var closed: [Closed] = []
    var images = 0
    var runningImages = 0
    var supersededImages = 0
    var activeRollouts: [RolloutState: Int] = [:]

    static func key(_ severity: SeverityLevel, _ fixable: Bool) -> String { "\(severity.rawValue)|\(fixable)" }

    /// Takes `finding`, counted as open by its due time, out of the open and SLA counts.
    private mutating func remove(_ finding: Finding, now: Date) {
        open[Self.key(finding.severity, finding.fixable), default: 0] -= 1
        count(verdict(finding, kev: kevListings[finding.id], now: now), finding.severity, by: -1)
    }

    /// Moves a KEV `finding`, counted by its severity's due time, to the standing its KEV due time gives.
    mutating func correctForKEV(_ finding: Finding, now: Date) {
        count(verdict(finding, kev: nil, now: now), finding.severity, by: -1)
        count(verdict(finding, kev: kevListings[finding.id], now: now), finding.severity, by: 1)
    }

    private func verdict(_ finding: Finding, kev: KEVEntry?, now: Date) -> SLAVerdict {
        let due = finding.detected.flatMap { serviceLevel.due(detected: $0, severity: finding.severity, kev: kev) }
        return ServiceLevel.verdict(due: due, closedAt: nil, now: now)
    }

    private mutating func count(_ verdict: SLAVerdict, _ severity: SeverityLevel, by change: Int) {
        switch verdict {
        case .breached: breached[severity, default: 0] += change
        case .dueSoon: soon[severity, default: 0] += change
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
        var timeToStage: [PatchStage: [Double]] = [:]
        let windowStart = now.addingTimeInterval(-Double(windowDays) * 86_400)
        for closed in closed where !suppressed.contains(closed.finding.id) {
            counts.remove(closed.finding, now: now)
            guard let seconds = closed.seconds else { continue }
            timeToPatchAllTime[closed.finding.severity, default: []].append(seconds)
            guard closed.closedAt >= windowStart else { continue }
            timeToPatch[closed.finding.severity, default: []].append(seconds)
            for (stage, seconds) in closed.stages { timeToStage[stage, default: []].append(seconds) }
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
            timeToPatch: timeToPatch, timeToPatchAllTime: timeToPatchAllTime, timeToStage: timeToStage, windowDays: windowDays)
    }
}
