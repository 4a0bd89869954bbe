import Foundation
import PatchTrackCore

/// How far patching one vulnerability has got ("how far are we with CVE-X").
public struct VulnerabilityProgress: Sendable {
    /// One affected image and what became of it.
    public struct Image: Sendable, Equatable {
        public var digest: String
        public var repository: String
        public var findings: Int
        public var severity: SeverityLevel
        public var fixable: Bool
        /// The first successor without the vulnerability, when built.
        public var patchedDigest: String?
        public var patchedBuilt: Date?
        /// The least advanced stage of its findings.
        public var stage: PatchStage
        public var closedAt: Date?
        /// Replicas running this digest now, by environment.
        public var running: [String: Int]
    }

    /// One environment's standing.
    public struct Environment: Sendable, Equatable {
        public var name: String
        public var stage: String
        public var order: Int
        public var vulnerableWorkloads: Int
        public var vulnerableReplicas: Int
        /// Replicas running a patched digest.
        public var patchedReplicas: Int
        public var activeRollouts: Int
        public var completedRollouts: Int
    }

    public var vulnerabilityId: String
    public var findings: [FindingProgress]
    public var images: [Image]
    public var environments: [Environment]
}

/// Vulnerable replicas of one environment at one snapshot.
public struct ExposurePoint: Sendable, Equatable {
    public var environment: String
    public var takenAt: String
    public var workloads: Int
    public var replicas: Int
}

/// Patch progress reads: a vulnerability's progress across images and environments, its exposure over time, and one
/// finding's timeline. Written once for both engines; dates (due times, windows) are computed in Swift.
public struct ProgressStore: Sendable {
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

    /// Finding `id` with its timeline and SLA standing; nil when no open finding has that id.
    /// Reads the finding's own rebuild chain and VEX statements only: the cost does not grow with the fleet.
    public func findingProgress(id: Int64) async throws -> FindingProgress? {
        let now = context.now()
        return try await context.executor.read { session in
            guard let imageId = try session.fetchValue("SELECT imageId FROM finding WHERE id = \(id) AND state = 'open'", as: Int64.self)
            else { return nil }
            let facts = try TimelineFacts.load(
                session, suppressed: try VEXStore.suppressedFindings(session, among: [id]), images: [imageId])
            return try Self.findingProgress(session, facts: facts, now: now, condition: "f.id = \(id)").first
        }
    }

    /// The progress of vulnerability `vulnerabilityId` (an alias group id) at now.
    public func vulnerabilityProgress(_ vulnerabilityId: String) async throws -> VulnerabilityProgress {
        let now = context.now()
        return try await context.executor.read { session in
            // The vulnerability's findings, their VEX statements and their images' rebuild chains: not the fleet's.
            var ids: [Int64] = []
            var imageIds = Set<Int64>()
            for row in try session.fetchAll(
                "SELECT id, imageId FROM finding WHERE vulnerabilityId = \(vulnerabilityId) AND state = 'open'")
            {
                ids.append(try row.decode(0))
                imageIds.insert(try row.decode(1))
            }
            let facts = try TimelineFacts.load(
                session, suppressed: try VEXStore.suppressedFindings(session, among: ids), images: imageIds)
            let findings = try Self.findingProgress(session, facts: facts, now: now, condition: "f.vulnerabilityId = \(vulnerabilityId)")
            var byImage: [Int64: [FindingProgress]] = [:]
            for finding in findings { byImage[finding.imageId, default: []].append(finding) }
            let affectedOpen = byImage.filter { $0.value.contains { $0.timeline.closedAt == nil } }.map(\.key).sorted()
            let patched = Set(findings.compactMap { $0.timeline.patchedDigest?.value }).sorted()
            let patchedIds = try session.fetchAll("SELECT id FROM image WHERE digest IN \(set: patched)")
                .map { try $0.decode(0, as: Int64.self) }

            // Replicas by environment and image now.
            var running: [Int64: [String: Int]] = [:]
            for row in try session.fetchAll(
                """
                SELECT e.name, c.imageId, sum(c.replicas) AS replicas FROM environment e
                JOIN inventoryContainer c ON c.snapshotId = e.currentSnapshotId
                WHERE c.imageId IN \(set: Array(byImage.keys).sorted() + patchedIds) GROUP BY e.id, e.name, c.imageId
                """)
            {
                running[try row.decode(1), default: [:]][try row.decode(0)] = try row.decode(2, as: Int.self)
            }
            var images: [VulnerabilityProgress.Image] = []
            for (imageId, list) in byImage {
                let first = list[0]
                let open = list.filter { $0.timeline.closedAt == nil }
                let stage = (open.isEmpty ? list : open).map(\.timeline.stage)
                    .min { PatchStage.allCases.firstIndex(of: $0)! < PatchStage.allCases.firstIndex(of: $1)! }!
                let patchedTimeline = list.first { $0.timeline.patchedDigest != nil }?.timeline
                images.append(
                    .init(
                        digest: first.digest, repository: first.repository, findings: list.count,
                        severity: list.map(\.severity).max() ?? .unknown, fixable: list.contains { $0.fixedVersion != nil },
                        patchedDigest: open.isEmpty || open.allSatisfy({ $0.timeline.patchedDigest != nil })
                            ? patchedTimeline?.patchedDigest?.value : nil,
                        patchedBuilt: patchedTimeline?.patchedBuilt, stage: stage,
                        closedAt: open.isEmpty ? list.compactMap(\.timeline.closedAt).max() : nil,
                        running: running[imageId] ?? [:]))
            }
            images.sort { ($0.severity, $1.repository, $1.digest) > ($1.severity, $0.repository, $0.digest) }

            var vulnerable: [String: (workloads: Int, replicas: Int)] = [:]
            for row in try session.fetchAll(
                """
                SELECT e.name, count(*) AS workloads, sum(w.replicas) AS replicas FROM (
                    SELECT c.snapshotId, c.workloadId, max(c.replicas) AS replicas FROM inventoryContainer c
                    JOIN environment e ON e.currentSnapshotId = c.snapshotId
                    WHERE c.imageId IN \(set: affectedOpen) GROUP BY c.snapshotId, c.workloadId) w
                JOIN environment e ON e.currentSnapshotId = w.snapshotId GROUP BY e.id, e.name
                """)
            {
                vulnerable[try row.decode(0)] = (try row.decode(1), try row.decode(2))
            }
            var rollouts: [String: (active: Int, completed: Int)] = [:]
            for row in try session.fetchAll(
                """
                SELECT e.name, sum(CASE WHEN r.state IN ('progressing', 'paused', 'promoted') THEN 1 ELSE 0 END) AS active,
                    sum(CASE WHEN r.state = 'completed' THEN 1 ELSE 0 END) AS completed
                FROM rollout r JOIN environment e ON e.id = r.environmentId
                WHERE r.toImageId IN \(set: patchedIds) GROUP BY e.id, e.name
                """)
            {
                rollouts[try row.decode(0)] = (try row.decode(1), try row.decode(2))
            }
            let environments = try EnvironmentStore.environments(session, name: nil).map { environment in
                let exposure = vulnerable[environment.name]
                let rollout = rollouts[environment.name]
                let patchedReplicas = patchedIds.reduce(0) { $0 + (running[$1]?[environment.name] ?? 0) }
                return VulnerabilityProgress.Environment(
                    name: environment.name, stage: environment.stage, order: environment.order,
                    vulnerableWorkloads: exposure?.workloads ?? 0, vulnerableReplicas: exposure?.replicas ?? 0,
                    patchedReplicas: patchedReplicas, activeRollouts: rollout?.active ?? 0, completedRollouts: rollout?.completed ?? 0)
            }
            return VulnerabilityProgress(vulnerabilityId: vulnerabilityId, findings: findings, images: images, environments: environments)
        }
    }

    /// Vulnerable workloads and replicas of vulnerability `vulnerabilityId` in each environment's snapshots over time
    /// (the newest `limit` per environment, oldest first), counting digests that have an open finding of it.
    public func exposureHistory(_ vulnerabilityId: String, limit: Int) async throws -> [ExposurePoint] {
        try await context.executor.read { [findingFacts] session in
            let suppressed = try findingFacts.facts(session).suppressed
            var affected = Set<Int64>()
            for row in try session.fetchAll("SELECT id, imageId FROM finding WHERE vulnerabilityId = \(vulnerabilityId) AND state = 'open'") {
                guard !suppressed.contains(try row.decode(0, as: Int64.self)) else { continue }
                affected.insert(try row.decode(1, as: Int64.self))
            }
            return try session.fetchAll(
                """
                WITH recent AS (
                    SELECT s.id, s.environmentId, s.takenAt FROM inventorySnapshot s
                    WHERE s.id IN (SELECT id FROM inventorySnapshot WHERE environmentId = s.environmentId ORDER BY id DESC LIMIT \(limit))),
                perWorkload AS (
                    SELECT c.snapshotId, c.workloadId, max(c.replicas) AS replicas FROM inventoryContainer c
                    WHERE c.imageId IN \(set: affected.sorted()) AND c.snapshotId IN (SELECT id FROM recent)
                    GROUP BY c.snapshotId, c.workloadId)
                SELECT e.name, r.takenAt, count(p.workloadId) AS workloads, coalesce(sum(p.replicas), 0) AS replicas
                FROM recent r JOIN environment e ON e.id = r.environmentId LEFT JOIN perWorkload p ON p.snapshotId = r.id
                GROUP BY r.id, r.takenAt, e.name, e.position ORDER BY e.position, e.name, r.id
                """
            ).map {
                ExposurePoint(
                    environment: try $0.decode(0), takenAt: try $0.decode(1), workloads: try $0.decode(2), replicas: try $0.decode(3))
            }
        }
    }

    // MARK: - Steps

    /// The open findings (not suppressed by VEX) selected by `condition` on `f` (finding) with their timelines and SLA
    /// standing at `now`.
    static func findingProgress(
        _ session: any SQLSession, facts: TimelineFacts, now: Date, condition: SQLStatement
    ) throws -> [FindingProgress] {
        let rows = try session.fetchAll(
            """
            SELECT f.id, f.imageId, i.digest, r.name AS repository, f.vulnerabilityId, a.osvId, f.advisoryId, f.packageName,
                f.purl, f.installedVersion, f.fixedVersion, f.severityLevel, f.firstDetected, a.published, a.fixFirstSeen
            FROM finding f JOIN advisory a ON a.id = f.advisoryId JOIN image i ON i.id = f.imageId
            JOIN repository r ON r.id = i.repositoryId
            WHERE f.state = 'open' AND \(condition)
            """)
        // KEV listings reaching the rows' vulnerabilities: a KEV finding may be due earlier (ServiceLevel).
        let signals = try ExploitSignalReads.signals(
            session, vulnerabilityIds: Set(try rows.map { try $0.decode(4, as: String.self) }).sorted())
        var result: [FindingProgress] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.decode(0, as: Int64.self)
            if facts.suppressed.contains(id) { continue }
            let imageId = try row.decode(1, as: Int64.self)
            let packageName = try row.decode(7, as: String.self)
            let detected = Timestamp.parse(try row.decode(12, as: String.self)) ?? now
            let fixedVersion = try row.decode(10, as: String?.self)
            let timeline = facts.timeline(
                findingId: id, imageId: imageId, advisoryId: try row.decode(6), packageName: packageName,
                firstDetected: detected, published: (try row.decode(13, as: String?.self)).flatMap(Timestamp.parse),
                fixAvailable: fixedVersion == nil ? nil : (try row.decode(14, as: String?.self)).flatMap(Timestamp.parse))
            let severity = SeverityLevel(rawValue: try row.decode(11)) ?? .unknown
            let due = facts.serviceLevel.due(detected: detected, severity: severity, kev: signals[try row.decode(4, as: String.self)]?.kev)
            result.append(
                FindingProgress(
                    findingId: id, imageId: imageId, digest: try row.decode(2), repository: try row.decode(3),
                    vulnerabilityId: try row.decode(4), advisoryId: try row.decode(5), packageName: packageName,
                    purl: try row.decode(8), installedVersion: try row.decode(9), fixedVersion: fixedVersion, severity: severity,
                    timeline: timeline, due: due, sla: ServiceLevel.verdict(due: due, closedAt: timeline.closedAt, now: now)))
        }
        return result
    }
}
