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
    static func bump(affectsFindings: Bool) -> [SQLStatement] {
        affectsFindings
            ? ["UPDATE generation SET value = value + 1 WHERE name = 'findingWrites'",
               "UPDATE generation SET value = value + 1 WHERE name = 'writes'"]
            : ["UPDATE generation SET value = value + 1 WHERE name = 'writes'"]
    }

    /// Runs `body` as one write transaction and, when it changed a row, bumps the generations in it (a request
    /// refused after reading keeps every cache).
    public func write<T: Sendable>(
        affectsFindings: Bool = true, _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await executor.write { session in
            let counting = CountingSession(base: session)
            let result = try body(counting)
            if counting.changes > 0 {
                for statement in Self.bump(affectsFindings: affectsFindings) { try session.execute(statement) }
            }
            return result
        }
    }
}

/// A session that counts the rows its statements changed (`RETURNING` inserts count as changes too).
private final class CountingSession: SQLSession {
    let base: any SQLSession
    private(set) var changes = 0

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
