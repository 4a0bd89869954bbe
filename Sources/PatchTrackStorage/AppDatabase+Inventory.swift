import Foundation
import GRDB
import PatchTrackCore

/// What an inventory post changed.
public struct InventoryOutcome: Sendable {
    public var snapshotId: Int64
    public var environment: String
    public var format: String
    public var takenAt: String
    public var workloads: Int
    public var replicas: Int
    public var containers: Int
    public var digests: Int
    /// Digests PatchTrack did not know before this post (now registered).
    public var newImages: Int
    /// Digests that ran in the previous snapshot and no longer do.
    public var stoppedImages: Int
    /// Older snapshots of the environment removed by the retention period.
    public var prunedSnapshots: Int
    /// Rollouts whose progress this snapshot moved, with their observed weight.
    public var rollouts: [(id: Int64, observedWeight: Int, state: RolloutState)]
    /// Entries the parser left out, with why.
    public var skipped: [InventorySkip]
}

/// One workload of an environment's newest inventory.
public struct RunningWorkload: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var replicas: Int
    public var containers: [Container]

    public struct Container: Sendable, Equatable {
        public var name: String
        public var isInit: Bool
        public var repository: String
        public var digest: String
        public var reference: String
        public var replicas: Int
    }
}

/// One inventory snapshot in an environment's history.
public struct SnapshotSummary: Sendable, Equatable {
    public var id: Int64
    public var format: String
    public var takenAt: String
    public var workloads: Int
    public var replicas: Int
    public var skipped: Int
    public var postedBy: String
}

extension AppDatabase {
    /// Replaces what environment `name` runs with `document` in one transaction: stores the snapshot (older ones
    /// stay as history), registers unknown digests, updates each image's running interval, and moves the progress of
    /// the environment's active rollouts (completing those whose workload runs only the new digest). Nil when the
    /// environment does not exist.
    /// Snapshots older than `retentionDays` (nil: keep all) go, except the newest; running intervals and rollouts,
    /// which time-to-patch reads, are kept.
    public func recordInventory(
        environment name: String, _ document: InventoryDocument, by token: TokenInfo, retentionDays: Int? = nil
    ) async throws -> InventoryOutcome? {
        let now = timestamp
        let cutoff = retentionDays.map { Timestamp.format(self.now().addingTimeInterval(-Double($0) * 86_400)) }
        return try await write(affectsFindings: false) { db -> InventoryOutcome? in
            guard let environmentId = try Self.environmentID(db, name: name) else { return nil }
            var repositoryIds: [String: Int64] = [:]
            var imageIds: [String: Int64] = [:]
            var newImages = 0
            for workload in document.workloads {
                for container in workload.containers where imageIds[container.digest.value] == nil {
                    let repository = container.repository.value
                    let repositoryId = try repositoryIds[repository] ?? Self.repositoryID(db, name: repository, now: now)
                    repositoryIds[repository] = repositoryId
                    let image = try Self.imageID(db, digest: container.digest.value, repositoryId: repositoryId, now: now)
                    if image.isNew { newImages += 1 }
                    imageIds[container.digest.value] = image.id
                }
            }
            let replicas = document.workloads.reduce(0) { $0 + $1.replicas }
            try db.execute(
                literal: """
                    INSERT INTO inventorySnapshot (environmentId, format, takenAt, workloads, replicas, skipped, tokenId, tokenName)
                    VALUES (\(environmentId), \(document.format.rawValue), \(now), \(document.workloads.count), \(replicas),
                        \(document.skipped.count), \(token.id), \(token.name))
                    """)
            let snapshotId = db.lastInsertedRowID
            let insertWorkload = try db.cachedStatement(
                sql: "INSERT INTO inventoryWorkload (snapshotId, name, kind, replicas) VALUES (?, ?, ?, ?)")
            let insertContainer = try db.cachedStatement(
                sql: """
                    INSERT INTO inventoryContainer (workloadId, snapshotId, container, isInit, imageId, reference, replicas)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            // Replicas per image: a pod counts once per image even when several of its containers run it.
            var runningReplicas: [Int64: Int] = [:]
            var containers = 0
            for workload in document.workloads {
                try insertWorkload.execute(arguments: [snapshotId, workload.name, workload.kind, workload.replicas])
                let workloadId = db.lastInsertedRowID
                var perImage: [Int64: Int] = [:]
                for container in workload.containers {
                    let imageId = imageIds[container.digest.value]!
                    try insertContainer.execute(arguments: [
                        workloadId, snapshotId, container.name, container.isInit, imageId, container.reference, container.replicas,
                    ])
                    perImage[imageId] = max(perImage[imageId] ?? 0, container.replicas)
                    containers += 1
                }
                for (imageId, count) in perImage { runningReplicas[imageId, default: 0] += count }
            }
            let running = try db.cachedStatement(
                sql: """
                    INSERT INTO imageRunning (environmentId, imageId, firstRunningAt, lastRunningAt, stoppedAt, replicas)
                    VALUES (?, ?, ?, ?, NULL, ?)
                    ON CONFLICT (environmentId, imageId) DO UPDATE SET lastRunningAt = excluded.lastRunningAt,
                        stoppedAt = NULL, replicas = excluded.replicas
                    """)
            for (imageId, count) in runningReplicas {
                try running.execute(arguments: [environmentId, imageId, now, now, count])
            }
            try db.execute(
                literal: """
                    UPDATE imageRunning SET stoppedAt = \(now), replicas = 0
                    WHERE environmentId = \(environmentId) AND stoppedAt IS NULL
                      AND imageId NOT IN (SELECT value FROM json_each(\(Self.jsonArray(Array(runningReplicas.keys)))))
                    """)
            let stopped = db.changesCount
            try db.execute(literal: "UPDATE environment SET currentSnapshotId = \(snapshotId) WHERE id = \(environmentId)")
            let rollouts = try Self.observeRollouts(db, environmentId: environmentId, now: now)
            var pruned = 0
            if let cutoff {
                try db.execute(
                    literal: """
                        DELETE FROM inventorySnapshot
                        WHERE environmentId = \(environmentId) AND takenAt < \(cutoff) AND id <> \(snapshotId)
                        """)
                pruned = db.changesCount
            }
            return InventoryOutcome(
                snapshotId: snapshotId, environment: name, format: document.format.rawValue, takenAt: now,
                workloads: document.workloads.count, replicas: replicas, containers: containers, digests: imageIds.count,
                newImages: newImages, stoppedImages: stopped, prunedSnapshots: pruned, rollouts: rollouts, skipped: document.skipped)
        }
    }

    /// The newest inventory of environment `name`, workload by workload; nil when the environment does not exist.
    public func currentInventory(environment name: String) async throws -> (snapshot: SnapshotSummary?, workloads: [RunningWorkload])? {
        try await pool.read { db in
            guard let environmentId = try Self.environmentID(db, name: name) else { return nil }
            guard
                let snapshot = try Self.snapshots(
                    db, environmentId: environmentId, literal: "s.id = (SELECT currentSnapshotId FROM environment WHERE id = \(environmentId))"
                ).first
            else { return (nil, []) }
            let rows = try Row.fetchAll(
                db,
                literal: """
                    SELECT w.id, w.name, w.kind, w.replicas, c.container, c.isInit, r.name AS repository, i.digest, c.reference,
                        c.replicas AS containerReplicas
                    FROM inventoryWorkload w
                    JOIN inventoryContainer c ON c.workloadId = w.id
                    JOIN image i ON i.id = c.imageId JOIN repository r ON r.id = i.repositoryId
                    WHERE w.snapshotId = \(snapshot.id)
                    ORDER BY w.name, c.isInit DESC, c.container, i.digest
                    """)
            var workloads: [RunningWorkload] = []
            var lastId: Int64?
            for row in rows {
                let id: Int64 = row["id"]
                if id != lastId {
                    workloads.append(RunningWorkload(name: row["name"], kind: row["kind"], replicas: row["replicas"], containers: []))
                    lastId = id
                }
                workloads[workloads.count - 1].containers.append(
                    .init(
                        name: row["container"], isInit: row["isInit"], repository: row["repository"], digest: row["digest"],
                        reference: row["reference"], replicas: row["containerReplicas"]))
            }
            return (snapshot, workloads)
        }
    }

    /// The snapshots of environment `name`, newest first; nil when the environment does not exist.
    public func inventorySnapshots(environment name: String, before cursor: Int64?, limit: Int) async throws -> Page<SnapshotSummary>? {
        try await pool.read { db in
            guard let environmentId = try Self.environmentID(db, name: name) else { return nil }
            let items = try Self.snapshots(
                db, environmentId: environmentId, literal: "(\(cursor) IS NULL OR s.id < \(cursor)) ORDER BY s.id DESC LIMIT \(limit + 1)")
            return Page(items: Array(items.prefix(limit)), nextCursor: items.count > limit ? items[limit - 1].id : nil)
        }
    }

    private static func snapshots(_ db: Database, environmentId: Int64, literal condition: SQL) throws -> [SnapshotSummary] {
        try Row.fetchAll(
            db,
            literal: """
                SELECT s.id, s.format, s.takenAt, s.workloads, s.replicas, s.skipped, s.tokenName FROM inventorySnapshot s
                WHERE s.environmentId = \(environmentId) AND \(condition)
                """
        ).map {
            SnapshotSummary(
                id: $0["id"], format: $0["format"], takenAt: $0["takenAt"], workloads: $0["workloads"], replicas: $0["replicas"],
                skipped: $0["skipped"], postedBy: $0["tokenName"])
        }
    }
}
