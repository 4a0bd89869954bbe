import Foundation
import PatchTrackCore

/// What `POST /v1/rollouts` asks for.
public struct RolloutRequest: Sendable, Equatable {
    public var environment: String
    public var workload: String
    public var repository: RepositoryName
    public var toDigest: Digest
    /// The digests replaced; when empty, those the workload runs in the environment's newest inventory.
    public var fromDigests: [Digest]
    /// Weights in percent, ascending.
    public var steps: [Int]
    /// When the rollout started; nil: now.
    public var startedAt: Date?

    public init(
        environment: String, workload: String, repository: RepositoryName, toDigest: Digest, fromDigests: [Digest], steps: [Int],
        startedAt: Date?
    ) {
        self.environment = environment
        self.workload = workload
        self.repository = repository
        self.toDigest = toDigest
        self.fromDigests = fromDigests
        self.steps = steps
        self.startedAt = startedAt
    }
}

/// A rollout as stored.
public struct StoredRollout: Sendable, Equatable {
    public var id: Int64
    public var environment: String
    public var stage: String
    public var workload: String
    public var repository: String
    public var toDigest: String
    public var fromDigests: [String]
    public var steps: [Int]
    public var state: RolloutState
    public var weight: Int
    public var observedWeight: Int?
    public var observedAt: String?
    public var startedAt: String
    public var updatedAt: String
    public var promotedAt: String?
    public var finishedAt: String?
    public var reportedBy: String
    /// Filled for single reads.
    public var events: [StoredRolloutEvent] = []
}

/// One event of a rollout.
public struct StoredRolloutEvent: Sendable, Equatable {
    public var id: Int64
    public var status: RolloutState
    public var weight: Int?
    public var at: String
    /// `report` (the rollout controller) or `inventory` (derived from a snapshot).
    public var source: String
    public var recordedAt: String
    public var reportedBy: String?
}

/// Which rollouts a list shows.
public enum RolloutStateFilter: Sendable, Equatable {
    case active, finished
    case state(RolloutState)

    /// Parses `active`, `finished` or a state name.
    public init?(_ text: String) {
        switch text {
        case "active": self = .active
        case "finished": self = .finished
        default:
            guard let state = RolloutState(rawValue: text) else { return nil }
            self = .state(state)
        }
    }

    var states: [String] {
        switch self {
        case .active: RolloutState.allCases.filter(\.isActive).map(\.rawValue)
        case .finished: RolloutState.allCases.filter(\.isFinished).map(\.rawValue)
        case .state(let state): [state.rawValue]
        }
    }
}

/// Rollouts: moving a workload in an environment from old digests to a new one, in steps, reported by the rollout
/// controller and observed in inventory snapshots. Written once for both engines; the environment's row is locked
/// while a rollout starts, so two replicas cannot start two rollouts of one workload.
public struct RolloutStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps events.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Starts a rollout. The environment must exist; unknown digests are registered in the repository. A workload has
    /// at most one active rollout: the same request again returns the active one (created false); a rollout to
    /// another digest aborts the active one first (recorded as its event).
    public func create(_ request: RolloutRequest, by token: TokenInfo) async throws -> (StoredRollout, created: Bool) {
        let now = context.timestamp
        let startedAt = request.startedAt.map(Timestamp.format) ?? now
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            guard let environmentId = try EnvironmentStore.lockEnvironment(session, name: request.environment) else {
                throw StorageError.invalid(field: "environment", message: "no environment is named \(request.environment)")
            }
            let repositoryId = try RegistryStore.repositoryID(session, name: request.repository.value, now: now)
            let toImageId = try RegistryStore.imageID(session, digest: request.toDigest.value, repositoryId: repositoryId, now: now).id
            let active = try session.fetchAll(
                """
                SELECT id, toImageId FROM rollout
                WHERE environmentId = \(environmentId) AND workload = \(request.workload)
                  AND state IN ('progressing', 'paused', 'promoted')
                """)
            for row in active {
                let id: Int64 = try row.decode("id")
                if try row.decode("toImageId", as: Int64.self) == toImageId {
                    return (try Self.storedRollouts(session, "r.id = \(id)")[0], false)
                }
                try Self.apply(session, rolloutId: id, status: .aborted, weight: 0, at: now, source: "report", token: token, now: now)
            }
            var fromIds: [Int64] = []
            for digest in request.fromDigests {
                fromIds.append(try RegistryStore.imageID(session, digest: digest.value, repositoryId: repositoryId, now: now).id)
            }
            if fromIds.isEmpty {
                fromIds = try session.fetchAll(
                    """
                    SELECT DISTINCT c.imageId FROM inventoryContainer c JOIN inventoryWorkload w ON w.id = c.workloadId
                    WHERE w.snapshotId = (SELECT currentSnapshotId FROM environment WHERE id = \(environmentId))
                      AND w.name = \(request.workload) AND c.imageId <> \(toImageId)
                    """
                ).map { try $0.decode(0, as: Int64.self) }
            }
            let steps = "[" + request.steps.map(String.init).joined(separator: ",") + "]"
            guard let rolloutId = try session.fetchValue(
                """
                INSERT INTO rollout (environmentId, workload, repositoryId, toImageId, steps, state, weight, startedAt,
                    updatedAt, tokenId, tokenName)
                VALUES (\(environmentId), \(request.workload), \(repositoryId), \(toImageId), \(steps), 'progressing', 0,
                    \(startedAt), \(now), \(token.id), \(token.name))
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("the rollout was not stored") }
            for imageId in Set(fromIds).sorted() {
                try session.execute("INSERT INTO rolloutSource (rolloutId, imageId) VALUES (\(rolloutId), \(imageId))")
            }
            try session.execute(
                """
                INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt, tokenName)
                VALUES (\(rolloutId), 'progressing', 0, \(startedAt), 'report', \(now), \(token.name))
                """)
            // What the environment runs now may already show progress.
            try Self.observe(session, rolloutIds: [rolloutId], now: now)
            return (try Self.storedRollouts(session, "r.id = \(rolloutId)")[0], true)
        }
    }

    /// Records a reported event of rollout `id`. Nil when no such rollout; a conflict when it has finished.
    public func recordEvent(id: Int64, status: RolloutState, weight: Int?, at: Date?, by token: TokenInfo) async throws -> StoredRollout? {
        let now = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            guard let state = try session.fetchValue(
                "SELECT state FROM rollout WHERE id = \(id) \(SQLStatement.forUpdate)", as: String.self)
            else { return nil }
            if let current = RolloutState(rawValue: state), current.isFinished {
                throw StorageError.conflict("rollout \(id) is \(current.rawValue); a finished rollout takes no more events")
            }
            try Self.apply(
                session, rolloutId: id, status: status, weight: weight, at: at.map(Timestamp.format) ?? now, source: "report",
                token: token, now: now)
            var rollout = try Self.storedRollouts(session, "r.id = \(id)")[0]
            rollout.events = try Self.events(session, rolloutId: id)
            return rollout
        }
    }

    /// Rollout `id` with its events, or nil.
    public func rollout(id: Int64) async throws -> StoredRollout? {
        try await context.executor.read { session in
            guard var rollout = try Self.storedRollouts(session, "r.id = \(id)").first else { return nil }
            rollout.events = try Self.events(session, rolloutId: id)
            return rollout
        }
    }

    /// Rollouts, newest first, filtered by state and environment.
    public func list(state: RolloutStateFilter?, environment: String?, before cursor: Int64?, limit: Int) async throws -> Page<StoredRollout> {
        try await context.executor.read { session in
            let items = try Self.storedRollouts(
                session,
                """
                (\(state == nil) = 1 OR r.state IN \(set: state?.states ?? []))
                AND (\(environment) IS NULL OR e.name = \(environment)) AND (\(cursor) IS NULL OR r.id < \(cursor))
                ORDER BY r.id DESC LIMIT \(limit + 1)
                """)
            return Page(items: Array(items.prefix(limit)), nextCursor: items.count > limit ? items[limit - 1].id : nil)
        }
    }
}
