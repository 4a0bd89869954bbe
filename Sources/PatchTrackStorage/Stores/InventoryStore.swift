import Foundation
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
        /// The highest severity of the digest's open findings that VEX does not suppress (nil: none), as
        /// `/v1/status` counts vulnerable replicas.
        public var highestSeverity: SeverityLevel? = nil
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

/// Inventory: what each environment runs, posted as snapshots (history kept for a retention period), with each
/// image's running interval per environment. Written once for both engines.
public struct InventoryStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps snapshots.
    let findingFacts: FindingFactsCache

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(executor: executor, now: now, findingFacts: FindingFactsCache())
    }

    /// Wraps an executor, sharing the finding facts cache of its process.
    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date, findingFacts: FindingFactsCache) {
        context = StoreContext(executor: executor, now: now)
        self.findingFacts = findingFacts
    }

    /// Replaces what environment `name` runs with `document` in one transaction: stores the snapshot (older ones
    /// stay as history), registers unknown digests, updates each image's running interval, and moves the progress of
    /// the environment's active rollouts (completing those whose workload runs only the new digest). Nil when the
    /// environment does not exist.
    /// Snapshots older than `retentionDays` (nil: keep all) go, except the newest; running intervals and rollouts,
    /// which time-to-patch reads, are kept.
    public func record(
        environment name: String, _ document: InventoryDocument, by token: TokenInfo, retentionDays: Int? = nil
    ) async throws -> InventoryOutcome? {
        let now = context.timestamp
        let cutoff = retentionDays.map { Timestamp.format(context.now().addingTimeInterval(-Double($0) * 86_400)) }
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session -> InventoryOutcome? in
            // The environment's row is locked: two replicas posting for one environment post one after the other.
            guard let environmentId = try EnvironmentStore.lockEnvironment(session, name: name) else { return nil }
            var repositoryIds: [String: Int64] = [:]
            // Digests already tracked, in one query; only the others are registered one by one.
            let digests = Array(Set(document.workloads.flatMap { $0.containers.map(\.digest.value) }))
            var imageIds: [String: Int64] = [:]
            for row in try session.fetchAll("SELECT id, digest FROM image WHERE digest IN \(set: digests)") {
                imageIds[try row.decode("digest")] = try row.decode("id")
            }
            var newImages = 0
            for workload in document.workloads {
                for container in workload.containers where imageIds[container.digest.value] == nil {
                    let repository = container.repository.value
                    let repositoryId = try repositoryIds[repository] ?? RegistryStore.repositoryID(session, name: repository, now: now)
                    repositoryIds[repository] = repositoryId
                    let image = try RegistryStore.imageID(session, digest: container.digest.value, repositoryId: repositoryId, now: now)
                    if image.isNew { newImages += 1 }
                    imageIds[container.digest.value] = image.id
                }
            }
            let replicas = document.workloads.reduce(0) { $0 + $1.replicas }
            guard let snapshotId = try session.fetchValue(
                """
                INSERT INTO inventorySnapshot (environmentId, format, takenAt, workloads, replicas, skipped, tokenId, tokenName)
                VALUES (\(environmentId), \(document.format.rawValue), \(now), \(document.workloads.count), \(replicas),
                    \(document.skipped.count), \(token.id), \(token.name))
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("the inventory snapshot was not stored") }
            // Replicas per image: a pod counts once per image even when several of its containers run it.
            var runningReplicas: [Int64: Int] = [:]
            var containers = 0
            var workloadRows = SQLBatchInsert(into: "inventoryWorkload", columns: ["snapshotId", "name", "kind", "replicas"], tail: "RETURNING id")
            workloadRows.reserveCapacity(document.workloads.count)
            for workload in document.workloads {
                workloadRows.append(snapshotId, workload.name, workload.kind, workload.replicas)
            }
            let workloadIds = try session.insert(workloadRows).rows.map { try $0.decode(0, as: Int64.self) }
            guard workloadIds.count == document.workloads.count else { throw StorageError.conflict("the workloads were not stored") }
            var containerRows = SQLBatchInsert(
                into: "inventoryContainer", columns: ["workloadId", "snapshotId", "container", "isInit", "imageId", "reference", "replicas"])
            for (workload, workloadId) in zip(document.workloads, workloadIds) {
                var perImage: [Int64: Int] = [:]
                for container in workload.containers {
                    let imageId = imageIds[container.digest.value]!
                    containerRows.append(
                        workloadId, snapshotId, container.name, container.isInit, imageId, container.reference, container.replicas)
                    perImage[imageId] = max(perImage[imageId] ?? 0, container.replicas)
                    containers += 1
                }
                for (imageId, count) in perImage { runningReplicas[imageId, default: 0] += count }
            }
            try session.insert(containerRows)
            var running = SQLBatchInsert(
                into: "imageRunning", columns: ["environmentId", "imageId", "firstRunningAt", "lastRunningAt", "replicas"],
                tail: """
                    ON CONFLICT (environmentId, imageId) DO UPDATE SET lastRunningAt = excluded.lastRunningAt,
                        stoppedAt = NULL, replicas = excluded.replicas
                    """)
            for (imageId, count) in runningReplicas.sorted(by: { $0.key < $1.key }) {
                running.append(environmentId, imageId, now, now, count)
            }
            try session.insert(running)
            let stopped = try session.execute(
                """
                UPDATE imageRunning SET stoppedAt = \(now), replicas = 0
                WHERE environmentId = \(environmentId) AND stoppedAt IS NULL
                  AND imageId NOT IN \(set: Array(runningReplicas.keys))
                """)
            try session.execute("UPDATE environment SET currentSnapshotId = \(snapshotId) WHERE id = \(environmentId)")
            let rollouts = try RolloutStore.observeRollouts(session, environmentId: environmentId, now: now)
            let pruned = try cutoff.map { try Self.prune(session, before: $0, "environmentId = \(environmentId)") } ?? 0
            return InventoryOutcome(
                snapshotId: snapshotId, environment: name, format: document.format.rawValue, takenAt: now,
                workloads: document.workloads.count, replicas: replicas, containers: containers, digests: imageIds.count,
                newImages: newImages, stoppedImages: stopped, prunedSnapshots: pruned, rollouts: rollouts, skipped: document.skipped)
        }
    }

    /// Removes, in every environment, the snapshots taken more than `retentionDays` ago, except each environment's
    /// newest: the retention of environments that stopped posting (a post prunes its own environment). Answers how
    /// many went.
    public func prune(retentionDays: Int) async throws -> Int {
        let cutoff = Timestamp.format(context.now().addingTimeInterval(-Double(retentionDays) * 86_400))
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            try Self.prune(session, before: cutoff, "TRUE")
        }
    }

    /// Deletes the snapshots matching `condition` taken before `cutoff`, never an environment's current one
    /// (workloads and containers go with them; running intervals and rollouts stay).
    private static func prune(_ session: any SQLSession, before cutoff: String, _ condition: SQLStatement) throws -> Int {
        try session.execute(
            """
            DELETE FROM inventorySnapshot
            WHERE \(condition) AND takenAt < \(cutoff)
              AND id NOT IN (SELECT currentSnapshotId FROM environment WHERE currentSnapshotId IS NOT NULL)
            """)
    }

    /// The newest inventory of environment `name`, workload by workload; nil when the environment does not exist.
    public func current(environment name: String) async throws -> (snapshot: SnapshotSummary?, workloads: [RunningWorkload])? {
        try await context.executor.read { [findingFacts] session in
            guard let environmentId = try EnvironmentStore.environmentID(session, name: name) else { return nil }
            guard
                let snapshot = try Self.snapshots(
                    session, environmentId: environmentId, "s.id = (SELECT currentSnapshotId FROM environment WHERE id = \(environmentId))"
                ).first
            else { return (nil, []) }
            let rows = try session.fetchAll(
                """
                    SELECT w.id, w.name, w.kind, w.replicas, c.container, c.isInit, r.name AS repository, i.digest, c.reference,
                        c.replicas AS containerReplicas, i.id AS imageId
                    FROM inventoryWorkload w
                    JOIN inventoryContainer c ON c.workloadId = w.id
                    JOIN image i ON i.id = c.imageId JOIN repository r ON r.id = i.repositoryId
                    WHERE w.snapshotId = \(snapshot.id)
                    ORDER BY w.name, c.isInit DESC, c.container, i.digest
                    """)
            let imageRank = rows.isEmpty ? [:] : try findingFacts.facts(session).imageRank
            var workloads: [RunningWorkload] = []
            var lastId: Int64?
            for row in rows {
                let id: Int64 = try row.decode("id")
                if id != lastId {
                    workloads.append(
                        RunningWorkload(
                            name: try row.decode("name"), kind: try row.decode("kind"), replicas: try row.decode("replicas"),
                            containers: []))
                    lastId = id
                }
                workloads[workloads.count - 1].containers.append(
                    .init(
                        name: try row.decode("container"), isInit: try row.decode("isInit"),
                        repository: try row.decode("repository"), digest: try row.decode("digest"),
                        reference: try row.decode("reference"), replicas: try row.decode("containerReplicas"),
                        highestSeverity: imageRank[try row.decode("imageId", as: Int64.self)].flatMap(SeverityLevel.init(rank:))))
            }
            return (snapshot, workloads)
        }
    }

    /// The snapshots of environment `name`, newest first; nil when the environment does not exist.
    public func snapshots(environment name: String, before cursor: Int64?, limit: Int) async throws -> Page<SnapshotSummary>? {
        try await context.executor.read { [findingFacts] session in
            guard let environmentId = try EnvironmentStore.environmentID(session, name: name) else { return nil }
            let items = try Self.snapshots(
                session, environmentId: environmentId, "(\(cursor) IS NULL OR s.id < \(cursor)) ORDER BY s.id DESC LIMIT \(limit + 1)")
            return Page(items: Array(items.prefix(limit)), nextCursor: items.count > limit ? items[limit - 1].id : nil)
        }
    }

    private static func snapshots(_ session: any SQLSession, environmentId: Int64, _ condition: SQLStatement) throws -> [SnapshotSummary] {
        try session.fetchAll(
            """
            SELECT s.id, s.format, s.takenAt, s.workloads, s.replicas, s.skipped, s.tokenName FROM inventorySnapshot s
            WHERE s.environmentId = \(environmentId) AND \(condition)
            """
        ).map {
            SnapshotSummary(
                id: try $0.decode("id"), format: try $0.decode("format"), takenAt: try $0.decode("takenAt"),
                workloads: try $0.decode("workloads"), replicas: try $0.decode("replicas"), skipped: try $0.decode("skipped"),
                postedBy: try $0.decode("tokenName"))
        }
    }
}
