import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The SQLite engine: GRDB's `DatabasePool` on the system libsqlite3 (WAL, one writer, cached statements). A
/// transaction body runs inside GRDB's own closure, on GRDB's queue, with the connection in hand.
public struct SQLiteExecutor: SQLExecutor {
    /// The pool the statements run on (shared with the code still written against GRDB).
    let pool: DatabasePool
    /// SQLite virtual-machine steps run so far (see ``virtualMachineSteps``).
    let steps = StepCounter()

    /// The SQLite virtual-machine steps this executor's statements have run so far: a measure of the work a request
    /// did (rows visited, index probes) that does not depend on the machine's speed or load. Tests compare the cost
    /// of two requests with it.
    public var virtualMachineSteps: Int { steps.total.load(ordering: .relaxed) }
    public let health = StorageHealth()

    public var dialect: SQLDialect { .sqlite }

    /// Wraps an open pool.
    init(pool: DatabasePool) {
        self.pool = pool
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteSession(db: db, steps: steps)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        do {
            let result = try await pool.write { db in try body(SQLiteSession(db: db, steps: steps)) }
            health.recordSuccess()
            return result
        } catch let error as DatabaseError {
            throw health.record(Self.storageError(error) ?? error)
        }
    }

    /// ``SQLError/storageFull(_:)`` for the result codes that mean the file cannot be written: full (the disk or
    /// `max_page_count`), read-only (the file, its directory or the file system), and the I/O errors of writing,
    /// syncing or growing the file and its WAL index. See <https://www.sqlite.org/rescode.html>.
    static func storageError(_ error: DatabaseError) -> SQLError? {
        let detail: String
        switch error.extendedResultCode {
        case let code where code.primaryResultCode == .SQLITE_FULL:
            detail = "the disk holding the database is full (SQLite: \(error.message ?? "database or disk is full"))"
        case let code where code.primaryResultCode == .SQLITE_READONLY:
            detail = "the database is read-only (SQLite: \(error.message ?? "attempt to write a readonly database"))"
        case .SQLITE_IOERR_WRITE, .SQLITE_IOERR_FSYNC, .SQLITE_IOERR_DIR_FSYNC, .SQLITE_IOERR_TRUNCATE,
            .SQLITE_IOERR_SHMSIZE, .SQLITE_IOERR_SHMMAP:
            detail = "the database file cannot be written (SQLite: \(error.message ?? "disk I/O error"))"
        default:
            return nil
        }
        return .storageFull(detail)
    }

    public func close() async throws {
        try pool.close()
    }
}

/// Statements on a GRDB connection, inside the transaction GRDB opened. Code written against GRDB reaches the stores
/// on the seam through `SQLiteSession(db: db)`.
struct SQLiteSession: SQLSession {
    let db: Database
    /// Where the steps of each statement are added, when someone counts.
    var steps: StepCounter? = nil

    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func execute(_ statement: SQLStatement) throws -> Int {
        let prepared = try prepare(statement)
        defer { count(prepared) }
        try prepared.execute()
        return db.changesCount
    }

    func fetchAll(_ statement: SQLStatement) throws -> [SQLRow] {
        let prepared = try prepare(statement)
        defer { count(prepared) }
        let columns = SQLRow.Columns(prepared.columnNames)
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(prepared)
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.names.count)
            for index in 0..<columns.names.count {
                values.append(SQLValue(row[index] as DatabaseValue))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws {
        let prepared = try prepare(statement)
        defer { count(prepared) }
        let reader = SQLRowReader(sqlite: prepared)
        let cursor = try Row.fetchCursor(prepared)
        while try cursor.next() != nil {
            try body(reader)
        }
    }

    func serialize(on lock: TransactionLock) throws {
        // SQLite runs one write transaction at a time already.
    }

    /// Adds the virtual-machine steps `statement` ran since it was last counted.
    func count(_ statement: Statement) {
        let ran = sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 1)
        steps?.total.add(Int(ran), ordering: .relaxed)
    }

    /// The cached prepared statement, with its arguments bound.
    private func prepare(_ statement: SQLStatement) throws -> Statement {
        let prepared = try db.cachedStatement(sql: statement.sql(.sqlite))
        try prepared.setArguments(StatementArguments(try statement.boundArguments.map { value in
            try value.checkStorable()
            return value.databaseValue
        }))
        return prepared
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(Array(data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null, .typedNull: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}

/// A running total shared by an executor's sessions.
final class StepCounter: Sendable {
    let total = Atomic<Int>(0)
}
