import Foundation
import PatchTrackCore

/// Write generations kept in the database: every write transaction bumps `writes`, and those that can change
/// findings or VEX suppression bump `findingWrites` too, inside the transaction. Caches of derived answers (the
/// rebuild plan, fleet figures, finding facts) are valid for the generation they were computed at, so every process
/// on the database sees a write the moment it commits, whichever process made it.
public struct Generations: Sendable, Equatable {
    /// Write transactions committed so far.
    public var writes: Int
    /// Committed write transactions that could change findings or VEX suppression.
    public var findingWrites: Int
}

/// Reading and bumping the generations.
public struct GenerationStore: Sendable {
    let executor: any SQLExecutor

    /// Wraps an executor.
    public init(executor: any SQLExecutor) {
        self.executor = executor
    }

    /// The generations as of now.
    public func current() async throws -> Generations {
        try await executor.read { session in try Self.read(session) }
    }

    /// The generations as seen by `session`'s transaction.
    static func read(_ session: any SQLSession) throws -> Generations {
        try decode(try session.fetchAll(Self.select))
    }

    static func decode(_ rows: [SQLRow]) throws -> Generations {
        var generations = Generations(writes: 0, findingWrites: 0)
        for row in rows {
            let value = try row.decode(1, as: Int.self)
            switch try row.decode(0, as: String.self) {
            case "writes": generations.writes = value
            case "findingWrites": generations.findingWrites = value
            default: continue
            }
        }
        return generations
    }

    static let select: SQLStatement = "SELECT name, value FROM generation"

    /// The statements a write transaction runs last: bumping last keeps PostgreSQL's row locks on the counters (which
    /// order concurrent writers' commits) as short as possible. One row per statement, always `findingWrites` before
    /// `writes`: a single `UPDATE generation` would lock the two rows in heap order, which moves with every update, so
    /// two writers could each hold the row the other waits for (a deadlock, seen under eight concurrent writers).
    /// The last statement returns the new `writes` generation.
    static func bump(affectsFindings: Bool) -> [SQLStatement] {
        affectsFindings
            ? ["UPDATE generation SET value = value + 1 WHERE name = 'findingWrites'",
               "UPDATE generation SET value = value + 1 WHERE name = 'writes' RETURNING value"]
            : ["UPDATE generation SET value = value + 1 WHERE name = 'writes' RETURNING value"]
    }

    /// Generations of `imageChange` rows kept: a plan input cached at an older generation is loaded again whole.
    static let imageChangeRetention = 10_000

    /// Runs `body` as one write transaction and, when it changed a row, bumps the generations in it (a request
    /// refused after reading keeps every cache), logs the images it changed (``ImageChangeLogging``) and writes the
    /// events its steps recorded to the outbox, or holds their findings under `eventStage` when the write is one of
    /// several transactions whose events are coalesced at the end (``Outbox/flush(_:_:now:)``).
    public func write<T: Sendable>(
        affectsFindings: Bool = true, imageChanges: ImageChangeLogging = .everything, eventStage: String? = nil,
        _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await executor.write { session in
            let counting = CountingSession(base: session)
            let result = try body(counting)
            guard counting.changes > 0 else { return result }
            let statements = Self.bump(affectsFindings: affectsFindings)
            for statement in statements.dropLast() { try session.execute(statement) }
            guard let generation = try session.fetchValue(statements[statements.count - 1], as: Int64.self) else {
                throw StorageError.conflict("the write generation is missing")
            }
            let changed: Set<Int64?> = switch imageChanges {
            case .everything: [nil]
            case .declared: counting.changedEverything ? [nil] : Set(counting.changedImages.map { $0 })
            }
            try Self.log(changed, generation: generation, session)
            if !counting.events.isEmpty {
                let now = counting.eventsAt ?? Date()
                if let eventStage {
                    try Outbox.stage(counting.events, eventStage, session, now: now)
                } else {
                    try Outbox.write(counting.events, session, now: now)
                }
            }
            return result
        }
    }

    /// Writes the `imageChange` rows of generation `generation` (`nil`: every image), and every 256th generation
    /// prunes the rows older than ``imageChangeRetention`` generations.
    private static func log(_ changed: Set<Int64?>, generation: Int64, _ session: any SQLSession) throws {
        if !changed.isEmpty {
            var rows = SQLBatchInsert(into: "imageChange", columns: ["generation", "imageId"])
            rows.reserveCapacity(changed.count)
            for imageId in changed.contains(nil) ? [nil] : changed.sorted(by: { $0! < $1! }) { rows.append(generation, imageId) }
            _ = try session.insert(rows)
        }
        if generation % 256 == 0 {
            try session.execute("DELETE FROM imageChange WHERE generation <= \(generation - Int64(imageChangeRetention))")
        }
    }

    /// The images changed after generation `generation` up to `session`'s snapshot, or `nil` when any image may have
    /// changed (a write logged every image, or the rows were pruned).
    static func imagesChanged(_ session: any SQLSession, after generation: Int, upTo current: Int) throws -> Set<Int64>? {
        guard current - generation < imageChangeRetention - 256 else { return nil }
        var changed: Set<Int64> = []
        var everything = false
        try session.forEachRow("SELECT imageId FROM imageChange WHERE generation > \(generation) AND generation <= \(current)") { row in
            if let id = try row.decode(0, as: Int64?.self) { changed.insert(id) } else { everything = true }
        }
        return everything ? nil : changed
    }
}

/// What a write transaction logs in `imageChange`, the log that lets the rebuild plan's input be patched instead of
/// loaded again.
public enum ImageChangeLogging: Sendable {
    /// The write may change any image's planning data: one row for every image. The safe default.
    case everything
    /// The write's steps name the images whose planning data (the image, its tags, findings, components or rebuild
    /// requests) they change, with ``SQLSession/logImageChanges(_:)``; none named, no row.
    case declared
}

extension SQLSession {
    /// Names images whose planning data this write transaction changes (see ``ImageChangeLogging/declared``).
    func logImageChanges(_ imageIds: some Sequence<Int64>) {
        (self as? CountingSession)?.changedImages.formUnion(imageIds)
    }

    /// Whether this write transaction's events would reach anyone: it runs inside ``GenerationStore/write`` and
    /// some subscription is enabled (read once per transaction). Steps skip the reads events need otherwise.
    func eventsWanted() throws -> Bool {
        guard let counting = self as? CountingSession else { return false }
        if let wanted = counting.wantsEvents { return wanted }
        let wanted = try counting.base.fetchValue("SELECT 1 FROM webhook WHERE enabled = 1 LIMIT 1", as: Int.self) != nil
        counting.wantsEvents = wanted
        return wanted
    }

    /// Records events of this write transaction (written to the outbox, coalesced, when it ends) when
    /// ``eventsWanted()``; `now` is the transaction's timestamp.
    func recordEvents(now: String, _ body: (inout EventBatch) throws -> Void) throws {
        guard try eventsWanted(), let counting = self as? CountingSession else { return }
        if counting.eventsAt == nil { counting.eventsAt = Timestamp.parse(now) ?? Date() }
        try body(&counting.events)
    }

    /// Says that this write transaction may change any image's planning data.
    func logEveryImageChanged() {
        (self as? CountingSession)?.changedEverything = true
    }

    /// Names the images with findings of the vulnerabilities `ids` (a finding's vulnerability id, or an OSV id or
    /// alias of an advisory of its group): the images whose findings or VEX suppression a change of those
    /// vulnerabilities' alias groups or VEX statements may change. Past 5,000 images, every image.
    func logImagesWithFindings(ofVulnerabilities ids: Set<String>) throws {
        guard !ids.isEmpty, self is CountingSession else { return }
        let sorted = ids.sorted()
        var groups = ids
        try forEachRow(
            """
            SELECT a.vulnerabilityId FROM advisory a WHERE a.osvId IN \(set: sorted)
            UNION SELECT a.vulnerabilityId FROM advisoryAlias aa JOIN advisory a ON a.id = aa.advisoryId
            WHERE aa.alias IN \(set: sorted)
            """
        ) { row in groups.insert(try row.decode(0, as: String.self)) }
        let images = try fetchAll("SELECT DISTINCT imageId FROM finding WHERE vulnerabilityId IN \(set: groups.sorted())")
            .map { try $0.decode(0, as: Int64.self) }
        if images.count > 5_000 { logEveryImageChanged() } else { logImageChanges(images) }
    }
}

/// A session that counts the rows its statements changed (`RETURNING` inserts count as changes too) and collects the
/// images the write's steps say they changed.
private final class CountingSession: SQLSession {
    let base: any SQLSession
    private(set) var changes = 0
    var changedImages: Set<Int64> = []
    var changedEverything = false
    /// The events the write's steps recorded (``SQLSession/recordEvents(now:_:)``), written to the outbox at the end.
    var events = EventBatch()
    var eventsAt: Date?
    /// Whether an enabled subscription exists, read once per transaction when a step first asks.
    var wantsEvents: Bool?

    init(base: any SQLSession) {
        self.base = base
    }

    var dialect: SQLDialect { base.dialect }

    func execute(_ statement: SQLStatement) throws -> Int {
        let changed = try base.execute(statement)
        changes += changed
        return changed
    }

    func fetchAll(_ statement: SQLStatement) throws -> [SQLRow] {
        let rows = try base.fetchAll(statement)
        // Only data-changing statements return rows through RETURNING here; plain reads leave the count alone.
        if statement.isWrite { changes += rows.count }
        return rows
    }

    func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws {
        if statement.isWrite {
            // Counted as changes like fetchAll's RETURNING rows.
            for row in try fetchAll(statement) { try body(SQLRowReader(row)) }
        } else {
            try base.forEachRow(statement, body)
        }
    }

    func serialize(on lock: TransactionLock) throws {
        try base.serialize(on: lock)
    }

    func insert(_ batch: SQLBatchInsert) throws -> SQLBatchInsert.Result {
        // Forwarded, so that each engine runs its own form (SQLite's cached single-row statement).
        let result = try base.insert(batch)
        changes += result.changed
        return result
    }
}
