/// The one seam every store talks to: run statements inside a read or a write transaction, on whichever engine the
/// database location chose. A use case is one `write` call, so a failure leaves nothing behind.
///
/// Transaction bodies are synchronous, as GRDB's are: on SQLite they run on GRDB's queue with the connection in hand
/// (no hop per statement, so the embedded engine keeps its speed); on PostgreSQL they run on a thread of the
/// executor's own pool, which waits for each statement's round trip (never on an event loop). Stores are therefore
/// written once, as plain synchronous code, and code still written against GRDB can call them inside its own
/// transactions. Bodies must not start another transaction on the same executor.
public protocol SQLExecutor: Sendable {
    /// Which engine runs the statements, for the few rules that differ (see ``SQLDialect``).
    var dialect: SQLDialect { get }

    /// Whether writes currently fail for lack of space (see ``StorageHealth``), recorded by ``write(_:)``.
    var health: StorageHealth { get }

    /// Runs `body` in a read-only transaction that sees one consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Runs `body` in a write transaction, committed when it returns and rolled back when it throws. A write the
    /// storage refuses (disk full, read-only database) throws ``SQLError/storageFull(_:)``, whichever engine.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Closes the engine's connections; later calls fail.
    func close() async throws
}

/// Statements inside one transaction, on the thread that runs it.
public protocol SQLSession {
    /// The engine's dialect.
    var dialect: SQLDialect { get }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ statement: SQLStatement) throws -> Int

    /// Every row the statement returns.
    func fetchAll(_ statement: SQLStatement) throws -> [SQLRow]

    /// Calls `body` with each row the statement returns, in order. SQLite reads each row in place from the stepped
    /// statement, PostgreSQL each row of the result as it arrives, decoding only the cells read (no array of rows, no
    /// array of values): the form for results of thousands of rows. The row is valid only during its call.
    func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws

    /// Makes write transactions that take the same `lock` run one after the other (check-then-insert use cases
    /// that no unique key can guard). Held until the transaction ends. SQLite has one writer: nothing to do there.
    func serialize(on lock: TransactionLock) throws

    /// Inserts the rows of `batch` (``SQLBatchInsert``) and returns what its RETURNING clause gives, in row order, and
    /// how many rows it changed. Each engine runs it its own way: SQLite one cached statement per row, PostgreSQL
    /// multi-row statements of a few hundred rows (one round trip each).
    @discardableResult
    func insert(_ batch: SQLBatchInsert) throws -> SQLBatchInsert.Result
}

/// Names of the use cases that serialize their write transactions (``SQLSession/serialize(on:)``).
public enum TransactionLock: Int64, Sendable {
    /// Creating the initial admin token when none exists.
    case initialAdminToken = 1
    /// Changing the rebuild policy (each change audits the one before it).
    case policy = 2
    /// Ingesting scans and advisories (each matches what the other stores) and recording builds (which read the
    /// findings both write): one at a time, taken as the first statement, so every later statement of the
    /// transaction sees what the previous holder committed.
    case matching = 3
}

extension SQLSession {
    /// Every row of ``fetchAll(_:)`` in turn, for sessions that read no other way (both engines read in place).
    public func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws {
        for row in try fetchAll(statement) { try body(SQLRowReader(row)) }
    }

    /// The first row the statement returns.
    public func fetchOne(_ statement: SQLStatement) throws -> SQLRow? {
        try fetchAll(statement).first
    }

    /// The first column of the first row, nil when there is no row or the value is NULL.
    public func fetchValue<T: SQLDecodable>(_ statement: SQLStatement, as type: T.Type = T.self) throws -> T? {
        guard let row = try fetchOne(statement), let value = row.values.first, !value.isNull else { return nil }
        return try row.decode(0, as: type)
    }
}

/// The engines, and the few SQL forms in which they differ. Stores ask here instead of writing either form.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// How argument `position` (1-based) of the given form is written.
    func render(_ form: SQLStatement.Form, position: Int) -> String {
        switch (self, form) {
        case (.sqlite, .value): "?"
        case (.sqlite, .integerSet), (.sqlite, .textSet): "(SELECT value FROM json_each(?))"
        case (.postgres, .value): "$\(position)"
        // Sets as arrays the planner can count: PostgreSQL plans each (unnamed) statement with its arguments, folds
        // the integers' JSON text to a constant array (strings are bound as a text[]) and sizes `unnest` by it, so
        // `x IN <set>` seeks an index. Through `jsonb_array_elements_text` it guessed 100 rows whatever the set, and `UPDATE finding
        // … WHERE advisoryId IN <3 ids>` scanned the whole table (15 ms a statement, once per imported record).
        case (.postgres, .integerSet): "(SELECT unnest(CAST(string_to_array(btrim($\(position), '[]'), ',') AS BIGINT[])))"
        case (.postgres, .textSet): "(SELECT unnest(CAST($\(position) AS TEXT[])))"
        case (_, .rowLock): rowLock
        }
    }

    /// The clause that locks the rows a SELECT read until the end of the transaction.
    var rowLock: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }
}
