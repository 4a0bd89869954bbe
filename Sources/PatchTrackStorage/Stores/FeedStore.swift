import Foundation
import PatchTrackCore

/// A feed as stored: its definition and the status of its last sync, with one source per fetched document.
public struct StoredFeed: Sendable, Equatable {
    public var definition: FeedDefinition
    public var createdAt: String
    public var updatedAt: String
    /// When it was last enabled.
    public var enabledAt: String?
    /// When the next sync is due; nil: as soon as a worker sees it (when enabled).
    public var nextRun: String?
    public var lastAttempt: String?
    public var lastSuccess: String?
    /// Records of the last sync.
    public var counts: FeedCounts
    /// The last sync's rejected records (at most ``FeedStore/maximumRejections``).
    public var rejections: [FeedRejection]
    public var lastError: String?
    /// Failed syncs since the feed was created.
    public var errorsTotal: Int
    /// Records this feed has stored.
    public var records: Int
    /// Per document: each ecosystem of an `osv` feed, the one document ('') of the others.
    public var sources: [StoredFeedSource]

    public var name: String { definition.name }
}

/// Added, updated, unchanged and rejected records of one sync.
public struct FeedCounts: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0, rejected: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.rejected = rejected
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        FeedCounts(
            added: lhs.added + rhs.added, updated: lhs.updated + rhs.updated, unchanged: lhs.unchanged + rhs.unchanged,
            rejected: lhs.rejected + rhs.rejected)
    }
}

/// One fetched document's state (see migration 0011).
public struct StoredFeedSource: Sendable, Equatable {
    /// The OSV ecosystem, or '' for the document of a `kev` or `epss` feed.
    public var source: String
    /// Validators of the last full answer, sent back as If-None-Match / If-Modified-Since.
    public var etag: String?
    public var lastModified: String?
    /// OSV: the newest record imported and committed.
    public var highWater: OSVExportPosition?
    /// OSV: all.zip was imported whole.
    public var bootstrapped = false
    /// OSV: archive entries imported so far from the archive with validator ``zipTag``.
    public var zipEntriesDone = 0
    public var zipTag: String?
    /// OSV: the newest line of modified_id.csv read before the archive, the high-water mark once it is imported.
    public var pending: OSVExportPosition?
    public var lastAttempt: String?
    public var lastSuccess: String?
    public var counts = FeedCounts()
    public var lastError: String?

    public init(source: String) {
        self.source = source
    }
}

/// Feeds: their configuration (admin), their sync status and state, and what KEV and EPSS feeds store per CVE.
public struct FeedStore: Sendable {
    let context: StoreContext

    /// Rejected records kept in a feed's status.
    public static let maximumRejections = 100

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Every feed, by name.
    public func list() async throws -> [StoredFeed] {
        try await context.executor.read { session in try Self.load(session, name: nil) }
    }

    /// One feed, nil when there is none by that name.
    public func feed(named name: String) async throws -> StoredFeed? {
        try await context.executor.read { session in try Self.load(session, name: name).first }
    }

    /// Creates or replaces feed `definition.name` (validated by the caller); true when it was created. A changed
    /// kind or URL forgets the sources' state (validators, high-water marks): they belonged to the old documents.
    /// Enabling a feed makes it due at once.
    public func put(_ definition: FeedDefinition) async throws -> (feed: StoredFeed, created: Bool) {
        let now = context.timestamp
        let ecosystems = try definition.ecosystems.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await context.executor.write { session in
            let old = try Self.load(session, name: definition.name).first
            if let old {
                if old.definition.kind != definition.kind || old.definition.url != definition.url
                    || (definition.kind == .osv && old.definition.followedEcosystems != definition.followedEcosystems)
                {
                    let keep = definition.kind == old.definition.kind && definition.url == old.definition.url
                        ? Set(definition.followedEcosystems) : []
                    for source in old.sources where !keep.contains(source.source) {
                        try session.execute("DELETE FROM feedSource WHERE feed = \(definition.name) AND source = \(source.source)")
                    }
                }
                let enabling = definition.enabled && !old.definition.enabled
                try session.execute(
                    """
                    UPDATE feed SET kind = \(definition.kind.rawValue), url = \(definition.url), ecosystems = \(ecosystems),
                        intervalMinutes = \(definition.intervalMinutes), enabled = \(definition.enabled), updatedAt = \(now),
                        enabledAt = CASE WHEN \(enabling) = 1 THEN \(now) ELSE enabledAt END,
                        nextRun = CASE WHEN \(enabling) = 1 THEN NULL ELSE nextRun END
                    WHERE name = \(definition.name)
                    """)
            } else {
                try session.execute(
                    """
                    INSERT INTO feed (name, kind, url, ecosystems, intervalMinutes, enabled, createdAt, updatedAt, enabledAt)
                    VALUES (\(definition.name), \(definition.kind.rawValue), \(definition.url), \(ecosystems),
                        \(definition.intervalMinutes), \(definition.enabled), \(now), \(now), \(definition.enabled ? now : nil))
                    """)
            }
            guard let stored = try Self.load(session, name: definition.name).first else {
                throw StorageError.conflict("feed \(definition.name) vanished while it was written")
            }
            return (stored, old == nil)
        }
    }

    /// Removes a feed and its sources' state (what it imported stays); false when there was none.
    public func delete(named name: String) async throws -> Bool {
        try await context.executor.write { session in
            try session.execute("DELETE FROM feedSource WHERE feed = \(name)")
            return try session.execute("DELETE FROM feed WHERE name = \(name)") > 0
        }
    }

    /// Makes feed `name` due now (a worker on any replica picks it up); nil when there is none.
    public func requestSync(named name: String) async throws -> StoredFeed? {
        try await context.executor.write { session in
            guard try session.execute("UPDATE feed SET nextRun = NULL WHERE name = \(name)") > 0 else { return nil }
            return try Self.load(session, name: name).first
        }
    }

    /// Enables the feeds named (as `serve --feeds` does); answers the names that do not exist, and then enables none.
    public func enable(_ names: [String]) async throws -> [String] {
        let now = context.timestamp
        return try await context.executor.write { session in
            let known = Set(try session.fetchAll("SELECT name FROM feed WHERE name IN \(set: names)").map { try $0.decode(0, as: String.self) })
            let missing = names.filter { !known.contains($0) }
            guard missing.isEmpty else { return missing }
            try session.execute(
                "UPDATE feed SET enabled = 1, enabledAt = \(now), nextRun = NULL, updatedAt = \(now) WHERE name IN \(set: names) AND enabled = 0")
            return []
        }
    }

    /// The enabled feeds due at `now`, by name.
    public func due() async throws -> [StoredFeed] {
        let now = context.timestamp
        return try await context.executor.read { session in
            try Self.load(session, name: nil).filter { $0.definition.enabled && ($0.nextRun.map { $0 <= now } ?? true) }
        }
    }

    /// Marks the start of a sync of `feed`: its attempt time, and the next run an interval later (Core's
    /// ``FeedStanding/nextRun(lastAttempt:intervalMinutes:)``): a sync that dies midway is tried again then, not in a loop.
    public func beginSync(_ feed: StoredFeed) async throws {
        let now = context.now()
        let next = FeedStanding.nextRun(lastAttempt: now, intervalMinutes: feed.definition.intervalMinutes).map(Timestamp.format)
        _ = try await context.executor.write { session in
            try session.execute("UPDATE feed SET lastAttempt = \(Timestamp.format(now)), nextRun = \(next) WHERE name = \(feed.name)")
        }
    }

    /// Records how a sync ended: its counts and rejections; a success (error nil) or the error, counted. A feed
    /// asked to sync again while this one ran (nextRun NULL) stays due.
    public func finishSync(
        named name: String, counts: FeedCounts, rejections: [FeedRejection], error: String?, recordsAdded: Int
    ) async throws {
        let now = context.timestamp
        let kept = Array(rejections.prefix(Self.maximumRejections))
        let rejectionsJSON = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
        _ = try await context.executor.write { session in
            try session.execute(
                """
                UPDATE feed SET added = \(counts.added), updated = \(counts.updated), unchanged = \(counts.unchanged),
                    rejected = \(counts.rejected), rejections = \(rejectionsJSON), lastError = \(error),
                    lastSuccess = CASE WHEN \(error == nil) = 1 THEN \(now) ELSE lastSuccess END,
                    errorsTotal = errorsTotal + \(error == nil ? 0 : 1), records = records + \(recordsAdded)
                WHERE name = \(name)
                """)
            guard let error, let row = try session.fetchOne("SELECT kind, lastSuccess FROM feed WHERE name = \(name)") else { return }
            var batch = EventBatch()
            batch.add(try OutboxEvent(
                type: .feedFailed, occurredAt: Timestamp.parse(now) ?? Date(), facets: EventFacets(),
                data: FeedFailedData(feed: name, kind: try row.decode(0), error: error, lastSuccess: try row.decode(1))))
            try Outbox.write(batch, session, now: Timestamp.parse(now) ?? Date())
        }
    }

    /// Sets the record count of a KEV or EPSS feed to the rows it stored, in one statement.
    public func countSignalRecords(named name: String, kind: FeedKind) async throws {
        let table = SQLStatement(stringLiteral: kind == .kev ? "kev" : "epss")
        _ = try await context.executor.write { session in
            try session.execute("UPDATE feed SET records = (SELECT count(*) FROM \(table) WHERE feed = \(name)) WHERE name = \(name)")
        }
    }

    /// Writes one source's state (insert or replace).
    public func save(_ source: StoredFeedSource, feed name: String) async throws {
        try await context.executor.write { session in try Self.save(source, feed: name, session) }
    }

    static func save(_ source: StoredFeedSource, feed name: String, _ session: any SQLSession) throws {
        try session.execute(
            """
            INSERT INTO feedSource (feed, source, etag, lastModified, highWaterModified, highWaterId, bootstrapped,
                zipEntriesDone, zipTag, pendingModified, pendingId, lastAttempt, lastSuccess, added, updated, unchanged,
                rejected, lastError)
            VALUES (\(name), \(source.source), \(source.etag), \(source.lastModified), \(source.highWater?.modified.text),
                \(source.highWater?.id), \(source.bootstrapped), \(source.zipEntriesDone), \(source.zipTag),
                \(source.pending?.modified.text), \(source.pending?.id), \(source.lastAttempt), \(source.lastSuccess),
                \(source.counts.added), \(source.counts.updated), \(source.counts.unchanged), \(source.counts.rejected),
                \(source.lastError))
            ON CONFLICT (feed, source) DO UPDATE SET etag = excluded.etag, lastModified = excluded.lastModified,
                highWaterModified = excluded.highWaterModified, highWaterId = excluded.highWaterId,
                bootstrapped = excluded.bootstrapped, zipEntriesDone = excluded.zipEntriesDone, zipTag = excluded.zipTag,
                pendingModified = excluded.pendingModified, pendingId = excluded.pendingId,
                lastAttempt = excluded.lastAttempt, lastSuccess = excluded.lastSuccess, added = excluded.added,
                updated = excluded.updated, unchanged = excluded.unchanged, rejected = excluded.rejected,
                lastError = excluded.lastError
            """)
    }

    static func load(_ session: any SQLSession, name: String?) throws -> [StoredFeed] {
        let filter: SQLStatement = name.map { "WHERE name = \($0)" } ?? ""
        let sourceFilter: SQLStatement = name.map { "WHERE feed = \($0)" } ?? ""
        var sources: [String: [StoredFeedSource]] = [:]
        for row in try session.fetchAll(
            """
            SELECT feed, source, etag, lastModified, highWaterModified, highWaterId, bootstrapped, zipEntriesDone, zipTag,
                pendingModified, pendingId, lastAttempt, lastSuccess, added, updated, unchanged, rejected, lastError
            FROM feedSource \(sourceFilter) ORDER BY feed, source
            """)
        {
            var source = StoredFeedSource(source: try row.decode("source"))
            source.etag = try row.decode("etag")
            source.lastModified = try row.decode("lastModified")
            source.highWater = try Self.position(row.decode("highWaterModified"), row.decode("highWaterId"))
            source.bootstrapped = try row.decode("bootstrapped")
            source.zipEntriesDone = try row.decode("zipEntriesDone")
            source.zipTag = try row.decode("zipTag")
            source.pending = try Self.position(row.decode("pendingModified"), row.decode("pendingId"))
            source.lastAttempt = try row.decode("lastAttempt")
            source.lastSuccess = try row.decode("lastSuccess")
            source.counts = FeedCounts(
                added: try row.decode("added"), updated: try row.decode("updated"), unchanged: try row.decode("unchanged"),
                rejected: try row.decode("rejected"))
            source.lastError = try row.decode("lastError")
            sources[try row.decode("feed"), default: []].append(source)
        }
        return try session.fetchAll(
            """
            SELECT name, kind, url, ecosystems, intervalMinutes, enabled, createdAt, updatedAt, enabledAt, nextRun,
                lastAttempt, lastSuccess, added, updated, unchanged, rejected, rejections, lastError, errorsTotal, records
            FROM feed \(filter) ORDER BY name
            """
        ).map { row in
            let name: String = try row.decode("name")
            guard let kind = FeedKind(rawValue: try row.decode("kind")) else {
                throw StorageError.conflict("feed \(name) has an unknown kind")
            }
            let ecosystems = try (row.decode("ecosystems", as: String?.self)).map {
                try JSONDecoder().decode([String].self, from: Data($0.utf8))
            }
            return StoredFeed(
                definition: FeedDefinition(
                    name: name, kind: kind, url: try row.decode("url"), ecosystems: ecosystems,
                    intervalMinutes: try row.decode("intervalMinutes"), enabled: try row.decode("enabled")),
                createdAt: try row.decode("createdAt"), updatedAt: try row.decode("updatedAt"),
                enabledAt: try row.decode("enabledAt"), nextRun: try row.decode("nextRun"),
                lastAttempt: try row.decode("lastAttempt"), lastSuccess: try row.decode("lastSuccess"),
                counts: FeedCounts(
                    added: try row.decode("added"), updated: try row.decode("updated"),
                    unchanged: try row.decode("unchanged"), rejected: try row.decode("rejected")),
                rejections: try JSONDecoder().decode([FeedRejection].self, from: Data((try row.decode("rejections", as: String.self)).utf8)),
                lastError: try row.decode("lastError"), errorsTotal: try row.decode("errorsTotal"),
                records: try row.decode("records"), sources: sources[name] ?? [])
        }
    }

    private static func position(_ modified: String?, _ id: String?) -> OSVExportPosition? {
        guard let modified, let id, let time = RFC3339Timestamp(modified) else { return nil }
        return OSVExportPosition(modified: time, id: id)
    }
}
