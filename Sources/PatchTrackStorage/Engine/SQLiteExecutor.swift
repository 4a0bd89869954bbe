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
        try Self.step(prepared, in: db) { handle in rows.append(SQLRow(sqlite: handle, columns: columns)) }
        return rows
    }

    func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws {
        let prepared = try prepare(statement)
        defer { count(prepared) }
        let reader = SQLRowReader(sqlite: prepared)
        try Self.step(prepared, in: db) { _ in try body(reader) }
    }

    /// Steps `statement` (arguments bound) to its end through SQLite's C API, calling `row` with the handle at each
    /// result row, and resets it: no GRDB cursor or `Row` per result row, values read in place by the caller.
    static func step(_ statement: Statement, in db: Database, row: (SQLiteStatement) throws -> Void) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW {
                try row(handle)
            } else if code == SQLITE_DONE {
                return
            } else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                    sql: statement.sql)
            }
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
    /// The value of column `index` of the current row of a stepped statement, read through SQLite's C API (texts
    /// and blobs copied once, into the value).
    @inline(__always)
    init(sqlite statement: SQLiteStatement, index: CInt) {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            // Text first, then its length in bytes (the order SQLite documents for sqlite3_column_bytes).
            guard let text = sqlite3_column_text(statement, index) else {
                self = .text("")
                return
            }
            let length = Int(sqlite3_column_bytes(statement, index))
            self = .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, index))
            guard length > 0, let bytes = sqlite3_column_blob(statement, index) else {
                self = .blob([])
                return
            }
            self = .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default: self = .null
        }
    }

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

extension SQLRow {
    /// The current row of a stepped SQLite statement, copied.
    init(sqlite statement: SQLiteStatement, columns: Columns) {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.names.count)
        for index in 0..<CInt(columns.names.count) { values.append(SQLValue(sqlite: statement, index: index)) }
        self.init(columns: columns, values: values)
    }
}

/// A running total shared by an executor's sessions.
final class StepCounter: Sendable {
    let total = Atomic<Int>(0)
}
