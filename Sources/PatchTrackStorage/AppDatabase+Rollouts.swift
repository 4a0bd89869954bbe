import Foundation
import GRDB
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

extension AppDatabase {
    /// Starts a rollout. The environment must exist; unknown digests are registered in the repository. A workload has
    /// at most one active rollout: the same request again returns the active one (created false); a rollout to
    /// another digest aborts the active one first (recorded as its event).
    public func createRollout(_ request: RolloutRequest, by token: TokenInfo) async throws -> (StoredRollout, created: Bool) {
        let now = timestamp
        let startedAt = request.startedAt.map(Timestamp.format) ?? now
        return try await write(affectsFindings: false) { db in
            guard let environmentId = try Self.environmentID(db, name: request.environment) else {
                throw StorageError.invalid(field: "environment", message: "no environment is named \(request.environment)")
            }
            let repositoryId = try Self.repositoryID(db, name: request.repository.value, now: now)
            let toImageId = try Self.imageID(db, digest: request.toDigest.value, repositoryId: repositoryId, now: now).id
            let active = try Row.fetchAll(
                db,
                literal: """
                    SELECT id, toImageId FROM rollout
                    WHERE environmentId = \(environmentId) AND workload = \(request.workload)
                      AND state IN ('progressing', 'paused', 'promoted')
                    """)
            for row in active {
                let id: Int64 = row["id"]
                if row["toImageId"] == toImageId {
                    return (try Self.storedRollouts(db, literal: "r.id = \(id)")[0], false)
                }
                try Self.apply(db, rolloutId: id, status: .aborted, weight: 0, at: now, source: "report", token: token, now: now)
            }
            var fromIds: [Int64] = []
            for digest in request.fromDigests {
                fromIds.append(try Self.imageID(db, digest: digest.value, repositoryId: repositoryId, now: now).id)
            }
            if fromIds.isEmpty {
                fromIds = try Int64.fetchAll(
                    db,
                    literal: """
                        SELECT DISTINCT c.imageId FROM inventoryContainer c JOIN inventoryWorkload w ON w.id = c.workloadId
                        WHERE w.snapshotId = (SELECT currentSnapshotId FROM environment WHERE id = \(environmentId))
                          AND w.name = \(request.workload) AND c.imageId <> \(toImageId)
                        """)
            }
            let steps = "[" + request.steps.map(String.init).joined(separator: ",") + "]"
            try db.execute(
                literal: """
                    INSERT INTO rollout (environmentId, workload, repositoryId, toImageId, steps, state, weight, startedAt,
                        updatedAt, tokenId, tokenName)
                    VALUES (\(environmentId), \(request.workload), \(repositoryId), \(toImageId), \(steps), 'progressing', 0,
                        \(startedAt), \(now), \(token.id), \(token.name))
                    """)
            let rolloutId = db.lastInsertedRowID
            for imageId in Set(fromIds) {
                try db.execute(literal: "INSERT INTO rolloutSource (rolloutId, imageId) VALUES (\(rolloutId), \(imageId))")
            }
            try db.execute(
                literal: """
                    INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt, tokenName)
                    VALUES (\(rolloutId), 'progressing', 0, \(startedAt), 'report', \(now), \(token.name))
                    """)
            // What the environment runs now may already show progress.
            try Self.observe(db, rolloutIds: [rolloutId], now: now)
            return (try Self.storedRollouts(db, literal: "r.id = \(rolloutId)")[0], true)
        }
    }

    /// Records a reported event of rollout `id`. Nil when no such rollout; a conflict when it has finished.
    public func recordRolloutEvent(id: Int64, status: RolloutState, weight: Int?, at: Date?, by token: TokenInfo) async throws -> StoredRollout? {
        let now = timestamp
        return try await write(affectsFindings: false) { db in
            guard let state = try String.fetchOne(db, literal: "SELECT state FROM rollout WHERE id = \(id)") else { return nil }
            if let current = RolloutState(rawValue: state), current.isFinished {
                throw StorageError.conflict("rollout \(id) is \(current.rawValue); a finished rollout takes no more events")
            }
            try Self.apply(db, rolloutId: id, status: status, weight: weight, at: at.map(Timestamp.format) ?? now, source: "report", token: token, now: now)
            var rollout = try Self.storedRollouts(db, literal: "r.id = \(id)")[0]
            rollout.events = try Self.events(db, rolloutId: id)
            return rollout
        }
    }

    /// Rollout `id` with its events, or nil.
    public func rollout(id: Int64) async throws -> StoredRollout? {
        try await pool.read { db in
            guard var rollout = try Self.storedRollouts(db, literal: "r.id = \(id)").first else { return nil }
            rollout.events = try Self.events(db, rolloutId: id)
            return rollout
        }
    }

    /// Rollouts, newest first, filtered by state and environment.
    public func rollouts(state: RolloutStateFilter?, environment: String?, before cursor: Int64?, limit: Int) async throws -> Page<StoredRollout> {
        try await pool.read { db in
            let states = Self.jsonArray(state?.states ?? [])
            let items = try Self.storedRollouts(
                db,
                literal: """
                    (\(state == nil) OR r.state IN (SELECT value FROM json_each(\(states))))
                    AND (\(environment) IS NULL OR e.name = \(environment)) AND (\(cursor) IS NULL OR r.id < \(cursor))
                    ORDER BY r.id DESC LIMIT \(limit + 1)
                    """)
            return Page(items: Array(items.prefix(limit)), nextCursor: items.count > limit ? items[limit - 1].id : nil)
        }
    }

    // MARK: - Progress

    /// Sets a rollout's state and weight and records the event. `completed` means weight 100; `aborted` and
    /// `rolled_back` mean 0 unless a weight is given.
    static func apply(
        _ db: Database, rolloutId: Int64, status: RolloutState, weight: Int?, at: String, source: String, token: TokenInfo?, now: String
    ) throws {
        let weight = status == .completed ? 100 : weight ?? ((status == .aborted || status == .rolledBack) ? 0 : nil)
        try db.execute(
            literal: """
                UPDATE rollout SET state = \(status.rawValue), weight = coalesce(\(weight), weight), updatedAt = \(now),
                    promotedAt = CASE WHEN \(status.endsCanary) THEN coalesce(promotedAt, \(at)) ELSE promotedAt END,
                    finishedAt = CASE WHEN \(status.isFinished) THEN \(at) ELSE NULL END
                WHERE id = \(rolloutId)
                """)
        try db.execute(
            literal: """
                INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt, tokenName)
                VALUES (\(rolloutId), \(status.rawValue), \(weight), \(at), \(source), \(now), \(token?.name))
                """)
    }

    /// Updates the observed weight of the environment's active rollouts from the snapshot just stored; a rollout
    /// whose workload runs the new digest on every replica completes.
    static func observeRollouts(
        _ db: Database, environmentId: Int64, now: String
    ) throws -> [(id: Int64, observedWeight: Int, state: RolloutState)] {
        let ids = try Int64.fetchAll(
            db, literal: "SELECT id FROM rollout WHERE environmentId = \(environmentId) AND state IN ('progressing', 'paused', 'promoted')")
        return try observe(db, rolloutIds: ids, now: now)
    }

    /// Observes `rolloutIds` in their environments' newest snapshots.
    @discardableResult
    static func observe(_ db: Database, rolloutIds: [Int64], now: String) throws -> [(id: Int64, observedWeight: Int, state: RolloutState)] {
        guard !rolloutIds.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db,
            literal: """
                SELECT r.id, r.state, r.observedWeight, w.replicas,
                    (SELECT max(c.replicas) FROM inventoryContainer c WHERE c.workloadId = w.id AND c.imageId = r.toImageId) AS onTarget
                FROM rollout r JOIN environment e ON e.id = r.environmentId
                JOIN inventoryWorkload w ON w.snapshotId = e.currentSnapshotId AND w.name = r.workload
                WHERE r.id IN (SELECT value FROM json_each(\(jsonArray(rolloutIds))))
                """)
        var changed: [(id: Int64, observedWeight: Int, state: RolloutState)] = []
        for row in rows {
            let id: Int64 = row["id"]
            let share = replicaShare(row["onTarget"] ?? 0, of: row["replicas"])
            let previous: Int? = row["observedWeight"]
            try db.execute(literal: "UPDATE rollout SET observedWeight = \(share), observedAt = \(now) WHERE id = \(id)")
            if share == 100 {
                try apply(db, rolloutId: id, status: .completed, weight: 100, at: now, source: "inventory", token: nil, now: now)
                changed.append((id, share, .completed))
            } else if share != (previous ?? 0) {
                // A change of the observed share is an event (a first look at 0 % is not).
                let state = RolloutState(rawValue: row["state"]) ?? .progressing
                try db.execute(
                    literal: """
                        INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt)
                        VALUES (\(id), \(state.rawValue), \(share), \(now), 'inventory', \(now))
                        """)
                changed.append((id, share, state))
            }
        }
        return changed
    }

    // MARK: - Reading

    static func storedRollouts(_ db: Database, literal condition: SQL) throws -> [StoredRollout] {
        let rows = try Row.fetchAll(
            db,
            literal: """
                SELECT r.*, e.name AS environment, e.stage, repo.name AS repository, i.digest AS toDigest,
                    (SELECT json_group_array(si.digest) FROM rolloutSource s JOIN image si ON si.id = s.imageId
                     WHERE s.rolloutId = r.id) AS fromDigests
                FROM rollout r JOIN environment e ON e.id = r.environmentId
                JOIN repository repo ON repo.id = r.repositoryId JOIN image i ON i.id = r.toImageId
                WHERE \(condition)
                """)
        return rows.map { row in
            StoredRollout(
                id: row["id"], environment: row["environment"], stage: row["stage"], workload: row["workload"],
                repository: row["repository"], toDigest: row["toDigest"],
                fromDigests: decodeJSON([String].self, row["fromDigests"]).sorted(),
                steps: decodeJSON([Int].self, row["steps"]), state: RolloutState(rawValue: row["state"]) ?? .progressing,
                weight: row["weight"], observedWeight: row["observedWeight"], observedAt: row["observedAt"],
                startedAt: row["startedAt"], updatedAt: row["updatedAt"], promotedAt: row["promotedAt"],
                finishedAt: row["finishedAt"], reportedBy: row["tokenName"])
        }
    }

    static func events(_ db: Database, rolloutId: Int64) throws -> [StoredRolloutEvent] {
        try Row.fetchAll(db, literal: "SELECT * FROM rolloutEvent WHERE rolloutId = \(rolloutId) ORDER BY id").map { row in
            StoredRolloutEvent(
                id: row["id"], status: RolloutState(rawValue: row["status"]) ?? .progressing, weight: row["weight"], at: row["at"],
                source: row["source"], recordedAt: row["recordedAt"], reportedBy: row["tokenName"])
        }
    }

    static func decodeJSON<T: Decodable & RangeReplaceableCollection>(_ type: T.Type, _ text: String?) -> T {
        guard let text, let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { return T() }
        return value
    }

    static func jsonArray(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
