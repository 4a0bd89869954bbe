import Foundation
import GRDB
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

extension AppDatabase {
    /// The progress of vulnerability `vulnerabilityId` (an alias group id) at now.
    public func vulnerabilityProgress(_ vulnerabilityId: String) async throws -> VulnerabilityProgress {
        let now = self.now()
        return try await pool.read { db in
            let facts = try TimelineFacts.load(db, suppressed: try self.findingFacts(db).suppressed)
            let findings = try Self.findingProgress(db, facts: facts, now: now, literal: "f.vulnerabilityId = \(vulnerabilityId)")
            var byImage: [Int64: [FindingProgress]] = [:]
            for finding in findings { byImage[finding.imageId, default: []].append(finding) }
            let affectedOpen = byImage.filter { $0.value.contains { $0.timeline.closedAt == nil } }.map(\.key)
            let patched = Set(findings.compactMap { $0.timeline.patchedDigest?.value })
            let patchedIds = try Int64.fetchAll(
                db, sql: "SELECT id FROM image WHERE digest IN (SELECT value FROM json_each(?))", arguments: [Self.jsonArray(Array(patched))])

            // Replicas by environment and image now.
            var running: [Int64: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT e.name, c.imageId, sum(c.replicas) AS replicas FROM environment e
                    JOIN inventoryContainer c ON c.snapshotId = e.currentSnapshotId
                    WHERE c.imageId IN (SELECT value FROM json_each(?)) GROUP BY e.id, c.imageId
                    """, arguments: [Self.jsonArray(Array(byImage.keys) + patchedIds)])
            {
                running[row["imageId"], default: [:]][row["name"]] = row["replicas"]
            }
            var images: [VulnerabilityProgress.Image] = []
            for (imageId, list) in byImage {
                let first = list[0]
                let open = list.filter { $0.timeline.closedAt == nil }
                let stage = (open.isEmpty ? list : open).map(\.timeline.stage).min { PatchStage.allCases.firstIndex(of: $0)! < PatchStage.allCases.firstIndex(of: $1)! }!
                let patchedTimeline = list.first { $0.timeline.patchedDigest != nil }?.timeline
                images.append(
                    .init(
                        digest: first.digest, repository: first.repository, findings: list.count,
                        severity: list.map(\.severity).max() ?? .unknown, fixable: list.contains { $0.fixedVersion != nil },
                        patchedDigest: open.isEmpty || open.allSatisfy({ $0.timeline.patchedDigest != nil }) ? patchedTimeline?.patchedDigest?.value : nil,
                        patchedBuilt: patchedTimeline?.patchedBuilt, stage: stage,
                        closedAt: open.isEmpty ? list.compactMap(\.timeline.closedAt).max() : nil,
                        running: running[imageId] ?? [:]))
            }
            images.sort { ($0.severity, $1.repository, $1.digest) > ($1.severity, $0.repository, $0.digest) }

            var environments: [VulnerabilityProgress.Environment] = []
            let vulnerable = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.name, count(*) AS workloads, sum(replicas) AS replicas FROM (
                        SELECT c.snapshotId, c.workloadId, max(c.replicas) AS replicas FROM inventoryContainer c
                        JOIN environment e ON e.currentSnapshotId = c.snapshotId
                        WHERE c.imageId IN (SELECT value FROM json_each(?)) GROUP BY c.snapshotId, c.workloadId) w
                    JOIN environment e ON e.currentSnapshotId = w.snapshotId GROUP BY e.id
                    """, arguments: [Self.jsonArray(affectedOpen)])
            let rollouts = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.name, sum(r.state IN ('progressing', 'paused', 'promoted')) AS active, sum(r.state = 'completed') AS completed
                    FROM rollout r JOIN environment e ON e.id = r.environmentId
                    WHERE r.toImageId IN (SELECT value FROM json_each(?)) GROUP BY e.id
                    """, arguments: [Self.jsonArray(patchedIds)])
            for environment in try Self.environments(db, name: nil) {
                let exposure = vulnerable.first { $0["name"] == environment.name }
                let rollout = rollouts.first { $0["name"] == environment.name }
                let patchedReplicas = patchedIds.reduce(0) { $0 + (running[$1]?[environment.name] ?? 0) }
                environments.append(
                    .init(
                        name: environment.name, stage: environment.stage, order: environment.order,
                        vulnerableWorkloads: exposure?["workloads"] ?? 0, vulnerableReplicas: exposure?["replicas"] ?? 0,
                        patchedReplicas: patchedReplicas, activeRollouts: rollout?["active"] ?? 0, completedRollouts: rollout?["completed"] ?? 0))
            }
            return VulnerabilityProgress(vulnerabilityId: vulnerabilityId, findings: findings, images: images, environments: environments)
        }
    }

    /// Vulnerable workloads and replicas of vulnerability `vulnerabilityId` in each environment's snapshots over time
    /// (the newest `limit` per environment, oldest first), counting digests that have an open finding of it.
    public func exposureHistory(_ vulnerabilityId: String, limit: Int) async throws -> [ExposurePoint] {
        try await pool.read { db in
            let suppressed = try self.findingFacts(db).suppressed
            let affected = try Row.fetchAll(
                db, literal: "SELECT id, imageId FROM finding WHERE vulnerabilityId = \(vulnerabilityId) AND state = 'open'"
            ).filter { !suppressed.contains($0["id"]) }.map { $0["imageId"] as Int64 }
            return try Row.fetchAll(
                db,
                sql: """
                    WITH recent AS (
                        SELECT s.id, s.environmentId, s.takenAt FROM inventorySnapshot s
                        WHERE s.id IN (SELECT id FROM inventorySnapshot WHERE environmentId = s.environmentId ORDER BY id DESC LIMIT ?)),
                    perWorkload AS (
                        SELECT c.snapshotId, c.workloadId, max(c.replicas) AS replicas FROM inventoryContainer c
                        WHERE c.imageId IN (SELECT value FROM json_each(?)) AND c.snapshotId IN (SELECT id FROM recent)
                        GROUP BY c.snapshotId, c.workloadId)
                    SELECT e.name, r.takenAt, count(p.workloadId) AS workloads, coalesce(sum(p.replicas), 0) AS replicas
                    FROM recent r JOIN environment e ON e.id = r.environmentId LEFT JOIN perWorkload p ON p.snapshotId = r.id
                    GROUP BY r.id ORDER BY e.position, e.name, r.id
                    """, arguments: [limit, Self.jsonArray(Array(Set(affected)))]
            ).map { ExposurePoint(environment: $0["name"], takenAt: $0["takenAt"], workloads: $0["workloads"], replicas: $0["replicas"]) }
        }
    }
}
