import Foundation
import PatchTrackCore

/// Fleet reads: the dashboard's status (open findings, exposure per environment, SLA standings, time-to-patch) and
/// the SLA breaches. Written once for both engines; due times and windows are computed in Swift from the stored RFC
/// 3339 times, never with an engine's date functions.
public struct FleetStore: Sendable {
    let context: StoreContext
    let findingFacts: FindingFactsCache

    /// Wraps an executor; `now` is the clock SLA standings are judged at.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(executor: executor, now: now, findingFacts: FindingFactsCache())
    }

    /// Wraps an executor, sharing the finding facts cache of its process.
    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date, findingFacts: FindingFactsCache) {
        context = StoreContext(executor: executor, now: now)
        self.findingFacts = findingFacts
    }

    /// The fleet at `now`: a few aggregate queries for the open findings, timelines only for findings of superseded
    /// images (the only ones that can be closed).
    ///
    /// Two read transactions run in parallel: one takes the finding facts (the VEX-suppressed findings and each
    /// image's highest open severity, cached until a write can change them) and the environments' exposure, the
    /// other counts everything else with the suppressed still in; they are taken out when both are done. (A write
    /// landing between the two can show in one part only, as in any two dashboard calls.)
    public func fleetStatus(windowDays: Int = 30) async throws -> FleetStatus {
        let now = context.now()
        let executor = context.executor
        async let findingSide = executor.read { [findingFacts] session in
            let facts = try findingFacts.facts(session)
            return (
                facts, try Self.environmentExposure(session, imageRank: facts.imageRank),
                try Self.suppressedOpenFindings(session, facts.suppressed)
            )
        }
        let counts = try await executor.read { session in try Self.fleetCounts(session, now: now, windowDays: windowDays) }
        let (facts, environments, suppressedOpen) = try await findingSide
        return counts.status(suppressed: facts.suppressed, suppressedOpen: suppressedOpen, environments: environments, now: now)
    }

    /// The open findings past their due time or due within 24 hours (not closed, not suppressed), soonest due first.
    public func slaBreaches(includeDueSoon: Bool, severity: SeverityLevel?) async throws -> [FindingProgress] {
        let now = context.now()
        return try await context.executor.read { [findingFacts] session in
            let facts = try TimelineFacts.load(session, suppressed: try findingFacts.facts(session).suppressed)
            return try Self.slaStandings(session, facts: facts, now: now, includeDueSoon: includeDueSoon, severity: severity)
        }
    }

    /// Every environment's newest inventory against the findings past their SLA (open, not suppressed): a workload
    /// counts with the replicas of its most widely run digest that has one, at the highest severity among them.
    /// What "a vulnerable digest runs in this environment longer than its SLA" alerts on.
    ///
    /// Only digests some newest inventory runs matter, and a finding of a running digest is never closed (closing
    /// needs its digest to run nowhere): each candidate's standing is its due time (Core's ``ServiceLevel``, KEV
    /// included) against now, without the timelines ``slaBreaches(includeDueSoon:severity:)`` builds.
    public func breachedExposure() async throws -> [EnvironmentExposure] {
        let now = context.now()
        return try await context.executor.read { [findingFacts] session in
            let suppressed = try findingFacts.facts(session).suppressed
            let serviceLevel = try PolicyStore.loadDefaults(session).sla
            let kev = try Self.kevListings(session)
            var imageRank: [Int64: Int] = [:]
            try session.forEachRow(
                """
                SELECT f.id, f.imageId, f.severityLevel, f.firstDetected FROM finding f
                WHERE f.state = 'open' AND \(Self.dueCandidates(serviceLevel, now: now))
                  AND f.imageId IN (SELECT c.imageId FROM inventoryContainer c JOIN environment e ON c.snapshotId = e.currentSnapshotId)
                """
            ) { row in
                let id = try row.decode(0, as: Int64.self)
                guard !suppressed.contains(id), let detected = Timestamp.parse(try row.decode(3, as: String.self)) else { return }
                let severity = SeverityLevel(rawValue: try row.decode(2)) ?? .unknown
                let due = serviceLevel.due(detected: detected, severity: severity, kev: kev[id])
                guard ServiceLevel.verdict(due: due, closedAt: nil, now: now) == .breached else { return }
                let imageId = try row.decode(1, as: Int64.self)
                imageRank[imageId] = max(imageRank[imageId] ?? severity.rank, severity.rank)
            }
            return try Self.environmentExposure(session, imageRank: imageRank)
        }
    }

    /// The findings `f` that can be due by `now` plus `lead` seconds: detected at least their severity's days
    /// before then (only `severity`'s, when given), or with a KEV listing (``ServiceLevel`` may make those due
    /// sooner). It only narrows the rows read; Core's ``ServiceLevel`` decides each one's standing.
    static func dueCandidates(
        _ serviceLevel: ServiceLevel, now: Date, lead: TimeInterval = 0, severity: SeverityLevel? = nil
    ) -> SQLStatement {
        var condition: SQLStatement = "f.vulnerabilityId IN (\(ExploitSignalReads.kevVulnerabilities))"
        for level in SeverityLevel.allCases where severity == nil || severity == level {
            guard let days = serviceLevel.days(for: level) else { continue }
            let latest = Timestamp.format(now.addingTimeInterval(-Double(days) * 86_400 + lead))
            condition = "\(condition) OR (f.severityLevel = \(level.rawValue) AND f.firstDetected <= \(latest))"
        }
        return "(\(condition))"
    }

    /// The findings of `session` past their due time (and due within 24 hours with `includeDueSoon`), soonest due
    /// first, read among ``dueCandidates(_:now:lead:severity:)``.
    static func slaStandings(
        _ session: any SQLSession, facts: TimelineFacts, now: Date, includeDueSoon: Bool, severity: SeverityLevel?
    ) throws -> [FindingProgress] {
        let candidates = Self.dueCandidates(facts.serviceLevel, now: now, lead: includeDueSoon ? 86_400 : 0, severity: severity)
        let wanted: Set<SLAVerdict> = includeDueSoon ? [.breached, .dueSoon] : [.breached]
        return try ProgressStore.findingProgress(session, facts: facts, now: now, condition: candidates)
            .filter { wanted.contains($0.sla) && (severity == nil || $0.severity == severity) }
            .sorted { ($0.due ?? .distantFuture, $0.findingId) < ($1.due ?? .distantFuture, $1.findingId) }
    }

    // MARK: - Steps

    /// Severity, fixability and detection time of the open findings in `suppressed`.
    static func suppressedOpenFindings(_ session: any SQLSession, _ suppressed: Set<Int64>) throws -> [FleetCounts.Finding] {
        guard !suppressed.isEmpty else { return [] }
        return try session.fetchAll(
            """
            SELECT id, severityLevel, fixedVersion IS NOT NULL AS fixable, firstDetected FROM finding
            WHERE state = 'open' AND id IN \(set: Array(suppressed))
            """
        ).map { row in
            FleetCounts.Finding(
                id: try row.decode(0), severity: SeverityLevel(rawValue: try row.decode(1)) ?? .unknown, fixable: try row.decode(2),
                detected: Timestamp.parse(try row.decode(3)))
        }
    }

    /// Every environment's newest inventory against the open findings: a workload counts as vulnerable with the
    /// replicas of its most widely run vulnerable digest, at the highest severity of its vulnerable digests.
    /// `imageRank`: each image's highest open, unsuppressed severity rank (``FindingFactsCache``).
    static func environmentExposure(_ session: any SQLSession, imageRank: [Int64: Int]) throws -> [EnvironmentExposure] {
        var result = try EnvironmentStore.environments(session, name: nil).map {
            EnvironmentExposure(
                environment: $0.name, stage: $0.stage, order: $0.order, inventoryAt: $0.inventoryAt, workloads: $0.workloads,
                replicas: $0.replicas, vulnerableWorkloads: 0, vulnerableReplicas: 0, vulnerableReplicasBySeverity: [:])
        }
        let index = Dictionary(uniqueKeysWithValues: result.enumerated().map { ($1.environment, $0) })
        // Each environment's newest snapshot, then its containers by snapshot (an index seek per snapshot).
        var environmentBySnapshot: [Int64: Int] = [:]
        for row in try session.fetchAll("SELECT name, currentSnapshotId FROM environment WHERE currentSnapshotId IS NOT NULL") {
            if let environment = index[try row.decode(0, as: String.self)] {
                environmentBySnapshot[try row.decode(1, as: Int64.self)] = environment
            }
        }
        guard !environmentBySnapshot.isEmpty else { return result }
        var workloads: [Int64: (environment: Int, rank: Int, replicas: Int)] = [:]
        let rows = try session.fetchAll(
            """
            SELECT c.snapshotId, c.workloadId, c.imageId, c.replicas FROM inventoryContainer c
            WHERE c.snapshotId IN \(set: environmentBySnapshot.keys.sorted())
            """)
        for row in rows {
            guard let rank = imageRank[try row.decode(2, as: Int64.self)],
                let environment = environmentBySnapshot[try row.decode(0, as: Int64.self)]
            else { continue }
            let workloadId = try row.decode(1, as: Int64.self)
            let replicas = try row.decode(3, as: Int.self)
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
}
