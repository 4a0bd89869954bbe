import Foundation
import PatchTrackCore

/// A watch with the status of its last poll.
public struct StoredWatch: Sendable, Equatable {
    public var id: Int64
    public var definition: WatchDefinition
    public var createdAt: String
    public var tokenName: String?
    public var nextRun: String?
    public var lastPoll: String?
    public var lastChange: String?
    public var lastError: String?
    /// The digest each tag had at the last poll.
    public var tagsSeen: [String: String]
    public var pollsTotal: Int
    public var errorsTotal: Int
}

/// One image a poll learnt, ready to register: a manifest (with its platform) or an index (with its entries'
/// digests, registered before it in the same poll).
public struct PolledImage: Sendable, Equatable {
    public var registration: ImageRegistration
    public var indexEntries: [Digest]

    public init(registration: ImageRegistration, indexEntries: [Digest] = []) {
        self.registration = registration
        self.indexEntries = indexEntries
    }
}

/// Watches (`/v1/watches`) and what the registry poller reads and writes.
public struct WatchStore: Sendable {
    let context: StoreContext

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    public func create(_ definition: WatchDefinition, tokenName: String?) async throws -> StoredWatch {
        let now = context.timestamp
        return try await context.executor.write { session in
            guard let id = try session.fetchValue(
                """
                INSERT INTO watch (repository, tags, tagPattern, intervalMinutes, createdAt, tokenName)
                VALUES (\(definition.repository.value), \(try definition.tags.map(StoredJSON.text)), \(definition.tagPattern),
                    \(definition.intervalMinutes), \(now), \(tokenName))
                RETURNING id
                """, as: Int64.self),
                let watch = try Self.load(session, id: id).first
            else { throw StorageError.conflict("the watch was not stored") }
            return watch
        }
    }

    public func list() async throws -> [StoredWatch] {
        try await context.executor.read { session in try Self.load(session, id: nil) }
    }

    public func watch(id: Int64) async throws -> StoredWatch? {
        try await context.executor.read { session in try Self.load(session, id: id).first }
    }

    /// Removes a watch (what it registered stays); false when there was none.
    public func delete(id: Int64) async throws -> Bool {
        try await context.executor.write { session in try session.execute("DELETE FROM watch WHERE id = \(id)") > 0 }
    }

    /// Makes watch `id` due now (a worker on any replica picks it up); nil when there is none.
    public func requestPoll(id: Int64) async throws -> StoredWatch? {
        try await context.executor.write { session in
            guard try session.execute("UPDATE watch SET nextRun = NULL WHERE id = \(id)") > 0 else { return nil }
            return try Self.load(session, id: id).first
        }
    }

    /// The watches due at `now`, by id.
    public func due() async throws -> [StoredWatch] {
        let now = context.timestamp
        return try await context.executor.read { session in
            try Self.load(session, id: nil, dueAt: now)
        }
    }

    /// Marks the start of a poll: the next one is due an interval later (a poll that dies midway is tried again
    /// then, not in a loop).
    public func beginPoll(_ watch: StoredWatch) async throws {
        let next = Timestamp.format(context.now().addingTimeInterval(Double(watch.definition.intervalMinutes) * 60))
        _ = try await context.executor.write { session in
            try session.execute("UPDATE watch SET nextRun = \(next) WHERE id = \(watch.id)")
        }
    }

    /// The digest each of `tags` of `repository` points to in PatchTrack now.
    public func currentTags(repository: RepositoryName, tags: [String]) async throws -> [String: String] {
        try await context.executor.read { session in
            var result: [String: String] = [:]
            for chunk in stride(from: 0, to: tags.count, by: 500).map({ Array(tags[$0..<min($0 + 500, tags.count)]) }) {
                try session.forEachRow(
                    """
                    SELECT t.name, i.digest FROM tag t JOIN repository r ON r.id = t.repositoryId JOIN image i ON i.id = t.imageId
                    WHERE r.name = \(repository.value) AND t.name IN \(set: chunk)
                    """
                ) { row in result[try row.decode(0)] = try row.decode(1) }
            }
            return result
        }
    }

    /// Records a poll: registers `images` in order (each index after its entries, which it links) in one write
    /// transaction when there are any, and the watch's status (tags seen, the change time when images were
    /// registered, the error or nil).
    public func recordPoll(id: Int64, images: [PolledImage], tagsSeen: [String: String], error: String?) async throws {
        let now = context.timestamp
        let tagsJSON = try StoredJSON.text(tagsSeen)
        @Sendable func status(_ session: any SQLSession) throws {
            try session.execute(
                """
                UPDATE watch SET lastPoll = \(now), lastError = \(error), tagsSeen = \(tagsJSON),
                    lastChange = CASE WHEN \(!images.isEmpty) = 1 THEN \(now) ELSE lastChange END,
                    pollsTotal = pollsTotal + 1, errorsTotal = errorsTotal + \(error == nil ? 0 : 1)
                WHERE id = \(id)
                """)
        }
        guard !images.isEmpty else {
            _ = try await context.executor.write { session in try status(session) }
            return
        }
        try await context.generations.write(imageChanges: .declared) { session in
            for image in images {
                let stored = try RegistryStore.upsertImage(session, image.registration, now: now)
                guard !image.indexEntries.isEmpty else { continue }
                let entryIds = try session.fetchAll("SELECT id FROM image WHERE digest IN \(set: image.indexEntries.map(\.value))")
                    .map { try $0.decode(0, as: Int64.self) }
                for entryId in entryIds {
                    try session.execute(
                        """
                        INSERT INTO imageIndexEntry (indexImageId, imageId) VALUES (\(stored.id), \(entryId))
                        ON CONFLICT (indexImageId, imageId) DO NOTHING
                        """)
                }
                session.logImageChanges(entryIds)
            }
            try status(session)
        }
    }

    /// Records an error found after the poll's images were recorded (a signature check), counted once per poll.
    public func recordError(id: Int64, error: String?) async throws {
        _ = try await context.executor.write { session in
            try session.execute(
                """
                UPDATE watch SET errorsTotal = errorsTotal + CASE WHEN lastError IS NULL THEN 1 ELSE 0 END, lastError = \(error)
                WHERE id = \(id)
                """)
        }
    }

    static func load(_ session: any SQLSession, id: Int64?, dueAt: String? = nil) throws -> [StoredWatch] {
        try session.fetchAll(
            """
            SELECT id, repository, tags, tagPattern, intervalMinutes, createdAt, tokenName, nextRun, lastPoll, lastChange,
                lastError, tagsSeen, pollsTotal, errorsTotal
            FROM watch
            WHERE (\(id) IS NULL OR id = \(id)) AND (\(dueAt) IS NULL OR nextRun IS NULL OR nextRun <= \(dueAt))
            ORDER BY id
            """
        ).map { row in
            let tagsText: String? = try row.decode(2)
            return StoredWatch(
                id: try row.decode(0),
                definition: WatchDefinition(
                    repository: RepositoryName(canonical: try row.decode(1)),
                    tags: try tagsText.map { try StoredJSON.decode([String].self, from: $0) },
                    tagPattern: try row.decode(3), intervalMinutes: try row.decode(4)),
                createdAt: try row.decode(5), tokenName: try row.decode(6), nextRun: try row.decode(7), lastPoll: try row.decode(8),
                lastChange: try row.decode(9), lastError: try row.decode(10),
                tagsSeen: try StoredJSON.decode([String: String].self, from: try row.decode(11)),
                pollsTotal: try row.decode(12), errorsTotal: try row.decode(13))
        }
    }
}
