import Foundation
import PatchTrackCore

/// An environment as stored, with what its newest inventory shows.
public struct StoredEnvironment: Sendable, Equatable {
    public var name: String
    public var stage: String
    public var order: Int
    public var description: String?
    public var createdAt: String
    public var updatedAt: String
    /// When the newest inventory snapshot was posted; nil before the first.
    public var inventoryAt: String?
    /// Workloads and replicas in the newest snapshot.
    public var workloads: Int
    public var replicas: Int
}

/// What `PUT /v1/environments/{name}` sets.
public struct EnvironmentSettings: Sendable, Equatable {
    public var stage: String
    public var order: Int
    public var description: String?

    public init(stage: String, order: Int, description: String?) {
        self.stage = stage
        self.order = order
        self.description = description
    }
}

/// Environments: named places that run images (clusters, stages), in the order rollouts go through them.
public struct EnvironmentStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps changes.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Creates or updates environment `name`. Returns it and whether it is new.
    public func put(name: String, _ settings: EnvironmentSettings) async throws -> (StoredEnvironment, created: Bool) {
        let now = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            let exists = try session.fetchValue("SELECT count(*) FROM environment WHERE name = \(name)", as: Int.self) ?? 0
            try session.execute(
                """
                INSERT INTO environment (name, stage, position, description, createdAt, updatedAt)
                VALUES (\(name), \(settings.stage), \(settings.order), \(settings.description), \(now), \(now))
                ON CONFLICT (name) DO UPDATE SET stage = excluded.stage, position = excluded.position,
                    description = excluded.description, updatedAt = excluded.updatedAt
                """)
            guard let stored = try Self.environments(session, name: name).first else {
                throw StorageError.notFound("environment \(name)")
            }
            return (stored, exists == 0)
        }
    }

    /// Every environment in order (position, then name).
    public func list() async throws -> [StoredEnvironment] {
        try await context.executor.read { session in try Self.environments(session, name: nil) }
    }

    /// Environment `name`, or nil.
    public func environment(name: String) async throws -> StoredEnvironment? {
        try await context.executor.read { session in try Self.environments(session, name: name).first }
    }

    // MARK: - Steps

    static func environments(_ session: any SQLSession, name: String?) throws -> [StoredEnvironment] {
        try session.fetchAll(
            """
            SELECT e.name, e.stage, e.position, e.description, e.createdAt, e.updatedAt, s.takenAt,
                coalesce(s.workloads, 0) AS workloads, coalesce(s.replicas, 0) AS replicas
            FROM environment e LEFT JOIN inventorySnapshot s ON s.id = e.currentSnapshotId
            WHERE \(name) IS NULL OR e.name = \(name)
            ORDER BY e.position, e.name
            """
        ).map { row in
            StoredEnvironment(
                name: try row.decode("name"), stage: try row.decode("stage"), order: try row.decode("position"),
                description: try row.decode("description"), createdAt: try row.decode("createdAt"),
                updatedAt: try row.decode("updatedAt"), inventoryAt: try row.decode("takenAt"),
                workloads: try row.decode("workloads"), replicas: try row.decode("replicas"))
        }
    }

    /// The id of environment `name`, its row locked until the transaction ends (PostgreSQL; SQLite's single writer
    /// needs no lock): use cases that replace an environment's state run one after the other.
    static func lockEnvironment(_ session: any SQLSession, name: String) throws -> Int64? {
        try session.fetchValue("SELECT id FROM environment WHERE name = \(name) \(SQLStatement.forUpdate)", as: Int64.self)
    }

    /// The id of environment `name`, or nil.
    static func environmentID(_ session: any SQLSession, name: String) throws -> Int64? {
        try session.fetchValue("SELECT id FROM environment WHERE name = \(name)", as: Int64.self)
    }
}
