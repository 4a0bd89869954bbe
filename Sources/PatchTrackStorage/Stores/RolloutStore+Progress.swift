import Foundation
import PatchTrackCore

extension RolloutStore {
    // MARK: - Progress

    /// Sets a rollout's state and weight and records the event. `completed` means weight 100; `aborted` and
    /// `rolled_back` mean 0 unless a weight is given.
    static func apply(
        _ session: any SQLSession, rolloutId: Int64, status: RolloutState, weight: Int?, at: String, source: String, token: TokenInfo?, now: String
    ) throws {
        let weight = status == .completed ? 100 : weight ?? ((status == .aborted || status == .rolledBack) ? 0 : nil)
        try session.execute(
            """
            UPDATE rollout SET state = \(status.rawValue), weight = coalesce(\(weight), weight), updatedAt = \(now),
                promotedAt = CASE WHEN \(status.endsCanary) = 1 THEN coalesce(promotedAt, \(at)) ELSE promotedAt END,
                finishedAt = CASE WHEN \(status.isFinished) = 1 THEN \(at) ELSE NULL END
            WHERE id = \(rolloutId)
            """)
        try session.execute(
            """
            INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt, tokenName)
            VALUES (\(rolloutId), \(status.rawValue), \(weight), \(at), \(source), \(now), \(token?.name))
            """)
        if status == .completed || status == .aborted { try recordFinished(session, rolloutId: rolloutId, now: now) }
    }

    /// Records `rollout.completed` or `rollout.aborted` for a rollout that just finished so.
    private static func recordFinished(_ session: any SQLSession, rolloutId: Int64, now: String) throws {
        guard try session.eventsWanted(),
            let row = try session.fetchOne(
                """
                SELECT e.name, r.workload, r.state, r.weight, i.id, i.digest, repo.name FROM rollout r
                JOIN environment e ON e.id = r.environmentId JOIN image i ON i.id = r.toImageId
                JOIN repository repo ON repo.id = i.repositoryId WHERE r.id = \(rolloutId)
                """)
        else { return }
        let environment: String = try row.decode(0)
        let state: String = try row.decode(2)
        let imageId: Int64 = try row.decode(4)
        let image = try Outbox.describeImages(session, [imageId])[imageId]
            ?? EventImage(digest: try row.decode(5), repository: try row.decode(6), tags: [])
        let data = RolloutEventData(
            rolloutId: rolloutId, environment: environment, workload: try row.decode(1), state: state, weight: try row.decode(3),
            image: image)
        let event = try OutboxEvent(
            type: state == RolloutState.completed.rawValue ? .rolloutCompleted : .rolloutAborted,
            occurredAt: Timestamp.parse(now) ?? Date(),
            facets: EventFacets(environments: [environment], repositories: [image.repository]), data: data)
        try session.recordEvents(now: now) { $0.add(event) }
    }

    /// Updates the observed weight of the environment's active rollouts from the snapshot just stored; a rollout
    /// whose workload runs the new digest on every replica completes.
    static func observeRollouts(
        _ session: any SQLSession, environmentId: Int64, now: String
    ) throws -> [(id: Int64, observedWeight: Int, state: RolloutState)] {
        let ids = try session.fetchAll(
            "SELECT id FROM rollout WHERE environmentId = \(environmentId) AND state IN ('progressing', 'paused', 'promoted')"
        ).map { try $0.decode(0, as: Int64.self) }
        return try observe(session, rolloutIds: ids, now: now)
    }

    /// Observes `rolloutIds` in their environments' newest snapshots.
    @discardableResult
    static func observe(_ session: any SQLSession, rolloutIds: [Int64], now: String) throws -> [(id: Int64, observedWeight: Int, state: RolloutState)] {
        guard !rolloutIds.isEmpty else { return [] }
        let rows = try session.fetchAll(
            """
                SELECT r.id, r.state, r.observedWeight, w.replicas,
                    (SELECT max(c.replicas) FROM inventoryContainer c WHERE c.workloadId = w.id AND c.imageId = r.toImageId) AS onTarget
                FROM rollout r JOIN environment e ON e.id = r.environmentId
                JOIN inventoryWorkload w ON w.snapshotId = e.currentSnapshotId AND w.name = r.workload
                WHERE r.id IN \(set: rolloutIds)
                """)
        var changed: [(id: Int64, observedWeight: Int, state: RolloutState)] = []
        for row in rows {
            let id: Int64 = try row.decode("id")
            let share = replicaShare(try row.decode("onTarget", as: Int?.self) ?? 0, of: try row.decode("replicas"))
            let previous: Int? = try row.decode("observedWeight")
            try session.execute("UPDATE rollout SET observedWeight = \(share), observedAt = \(now) WHERE id = \(id)")
            if share == 100 {
                try apply(session, rolloutId: id, status: .completed, weight: 100, at: now, source: "inventory", token: nil, now: now)
                changed.append((id, share, .completed))
            } else if share != (previous ?? 0) {
                // A change of the observed share is an event (a first look at 0 % is not).
                let state = RolloutState(rawValue: try row.decode("state")) ?? .progressing
                try session.execute(
                    """
                    INSERT INTO rolloutEvent (rolloutId, status, weight, at, source, recordedAt)
                    VALUES (\(id), \(state.rawValue), \(share), \(now), 'inventory', \(now))
                    """)
                changed.append((id, share, state))
            }
        }
        return changed
    }

    // MARK: - Reading

    static func storedRollouts(_ session: any SQLSession, _ condition: SQLStatement) throws -> [StoredRollout] {
        let rows = try session.fetchAll(
            """
            SELECT r.id, r.workload, r.steps, r.state, r.weight, r.observedWeight, r.observedAt, r.startedAt, r.updatedAt,
                r.promotedAt, r.finishedAt, r.tokenName, e.name AS environment, e.stage, repo.name AS repository,
                i.digest AS toDigest
            FROM rollout r JOIN environment e ON e.id = r.environmentId
            JOIN repository repo ON repo.id = r.repositoryId JOIN image i ON i.id = r.toImageId
            WHERE \(condition)
            """)
        var sources: [Int64: [String]] = [:]
        let ids = try rows.map { try $0.decode("id", as: Int64.self) }
        if !ids.isEmpty {
            for row in try session.fetchAll(
                "SELECT s.rolloutId, i.digest FROM rolloutSource s JOIN image i ON i.id = s.imageId WHERE s.rolloutId IN \(set: ids)")
            {
                sources[try row.decode("rolloutId"), default: []].append(try row.decode("digest"))
            }
        }
        return try rows.map { row in
            let id: Int64 = try row.decode("id")
            return StoredRollout(
                id: id, environment: try row.decode("environment"), stage: try row.decode("stage"),
                workload: try row.decode("workload"), repository: try row.decode("repository"), toDigest: try row.decode("toDigest"),
                fromDigests: (sources[id] ?? []).sorted(), steps: decodeJSON([Int].self, try row.decode("steps")),
                state: RolloutState(rawValue: try row.decode("state")) ?? .progressing, weight: try row.decode("weight"),
                observedWeight: try row.decode("observedWeight"), observedAt: try row.decode("observedAt"),
                startedAt: try row.decode("startedAt"), updatedAt: try row.decode("updatedAt"),
                promotedAt: try row.decode("promotedAt"), finishedAt: try row.decode("finishedAt"),
                reportedBy: try row.decode("tokenName"))
        }
    }

    static func events(_ session: any SQLSession, rolloutId: Int64) throws -> [StoredRolloutEvent] {
        try session.fetchAll(
            """
            SELECT id, status, weight, at, source, recordedAt, tokenName FROM rolloutEvent
            WHERE rolloutId = \(rolloutId) ORDER BY id
            """
        ).map { row in
            StoredRolloutEvent(
                id: try row.decode("id"), status: RolloutState(rawValue: try row.decode("status")) ?? .progressing,
                weight: try row.decode("weight"), at: try row.decode("at"), source: try row.decode("source"),
                recordedAt: try row.decode("recordedAt"), reportedBy: try row.decode("tokenName"))
        }
    }

    static func decodeJSON<T: Decodable & RangeReplaceableCollection>(_ type: T.Type, _ text: String?) -> T {
        guard let text, let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { return T() }
        return value
    }
}
