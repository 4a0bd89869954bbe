import Foundation
import GRDB
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

extension AppDatabase {
    /// Creates or updates environment `name`. Returns it and whether it is new.
    public func putEnvironment(name: String, _ settings: EnvironmentSettings) async throws -> (StoredEnvironment, created: Bool) {
        let now = timestamp
        return try await write(affectsFindings: false) { db in
            let exists = try Bool.fetchOne(db, literal: "SELECT EXISTS (SELECT 1 FROM environment WHERE name = \(name))") ?? false
            try db.execute(
                literal: """
                    INSERT INTO environment (name, stage, position, description, createdAt, updatedAt)
                    VALUES (\(name), \(settings.stage), \(settings.order), \(settings.description), \(now), \(now))
                    ON CONFLICT (name) DO UPDATE SET stage = excluded.stage, position = excluded.position,
                        description = excluded.description, updatedAt = excluded.updatedAt
                    """)
            return (try Self.environments(db, name: name)[0], !exists)
        }
    }

    /// Every environment in order (position, then name).
    public func environments() async throws -> [StoredEnvironment] {
        try await pool.read { db in try Self.environments(db, name: nil) }
    }

    /// Environment `name`, or nil.
    public func environment(name: String) async throws -> StoredEnvironment? {
        try await pool.read { db in try Self.environments(db, name: name).first }
    }

    static func environments(_ db: Database, name: String?) throws -> [StoredEnvironment] {
        try Row.fetchAll(
            db,
            literal: """
                SELECT e.name, e.stage, e.position, e.description, e.createdAt, e.updatedAt, s.takenAt,
                    coalesce(s.workloads, 0) AS workloads, coalesce(s.replicas, 0) AS replicas
                FROM environment e LEFT JOIN inventorySnapshot s ON s.id = e.currentSnapshotId
                WHERE \(name) IS NULL OR e.name = \(name)
                ORDER BY e.position, e.name
                """
        ).map { row in
            StoredEnvironment(
                name: row["name"], stage: row["stage"], order: row["position"], description: row["description"],
                createdAt: row["createdAt"], updatedAt: row["updatedAt"], inventoryAt: row["takenAt"],
                workloads: row["workloads"], replicas: row["replicas"])
        }
    }

    /// The id of environment `name`, or nil.
    static func environmentID(_ db: Database, name: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM environment WHERE name = ?"), arguments: [name])
    }

    /// The id of the image `digest`, registering it in `repositoryId` when it is not tracked yet (`isNew`).
    static func imageID(_ db: Database, digest: String, repositoryId: Int64, now: String) throws -> (id: Int64, isNew: Bool) {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM image WHERE digest = ?"), arguments: [digest]) {
            return (id, false)
        }
        try db.cachedStatement(
            sql: "INSERT INTO image (digest, repositoryId, firstSeen, lastSeen) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [digest, repositoryId, now, now])
        return (db.lastInsertedRowID, true)
    }
}
