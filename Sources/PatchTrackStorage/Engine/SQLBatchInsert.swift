import Foundation
import GRDB
import GRDBSQLite

/// Many rows inserted with one statement shape: `INSERT INTO <table> (<columns>) VALUES (…) <tail>`, where the tail
/// is an optional `ON CONFLICT …` and `RETURNING …` clause without arguments. Run by ``SQLSession/insert(_:)``:
///
/// - SQLite runs one cached single-row statement per row (no round trip to save; the statement is prepared once).
/// - PostgreSQL runs one multi-row `VALUES (…), (…)…` statement per chunk of at most ``maximumRowsPerStatement``
///   rows and ``maximumArguments`` bound arguments (below SQLite's 32,766 and PostgreSQL's 65,535), one round trip
///   each instead of one per row; NULLs are written as the keyword, not bound.
///
/// Rows of one batch must not repeat a key that an `ON CONFLICT … DO UPDATE` tail updates: PostgreSQL refuses to
/// update one row twice in a statement. RETURNING rows come back in the order of the rows inserted (a multi-row
/// VALUES insert returns them in order).
public struct SQLBatchInsert: Sendable {
    /// Rows per multi-row statement.
    static let maximumRowsPerStatement = 500
    /// Bound arguments per statement, under both engines' limits.
    static let maximumArguments = 30_000

    /// What an insert gave back.
    public struct Result: Sendable {
        /// The rows of the RETURNING clause, in row order (empty without one).
        public var rows: [SQLRow] = []
        /// Rows inserted or updated.
        public var changed = 0
    }

    /// The table written.
    public let table: String
    /// Its columns, in the order of each row's values.
    public let columns: [String]
    /// `ON CONFLICT …` and/or `RETURNING …`, or empty.
    public let tail: String
    /// The rows' values, row after row, one per column.
    private(set) var values: [SQLValue] = []
    /// How many rows were appended.
    public var count: Int { columns.isEmpty ? 0 : values.count / columns.count }

    /// An empty batch for `table`.
    public init(into table: String, columns: [String], tail: String = "") {
        self.table = table
        self.columns = columns
        self.tail = tail
    }

    /// Adds one row, its values in column order.
    public mutating func append(_ values: any SQLBindable...) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        for value in values { self.values.append(value.sqlValue) }
    }

    /// Reserves room for `count` rows.
    public mutating func reserveCapacity(_ count: Int) {
        values.reserveCapacity(count * columns.count)
    }

    /// The value of `column` (a position in ``columns``) in row `row`.
    func value(row: Int, column: Int) -> SQLValue {
        values[row * columns.count + column]
    }

    /// The values of rows `rows`.
    func values(ofRows rows: Range<Int>) -> ArraySlice<SQLValue> {
        values[rows.lowerBound * columns.count..<rows.upperBound * columns.count]
    }

    /// Whether the tail has a RETURNING clause.
    var returns: Bool { tail.range(of: "RETURNING", options: .caseInsensitive) != nil }

    /// Rows per statement for this many columns.
    var rowsPerStatement: Int { max(1, min(Self.maximumRowsPerStatement, Self.maximumArguments / max(1, columns.count))) }

    /// The statement inserting rows `rows` (one chunk). `inliningNulls` writes NULL values as the keyword instead
    /// of binding them (fewer arguments to encode; only for statements not cached by their text).
    func statement(_ rows: Range<Int>, inliningNulls: Bool = false) -> SQLStatement {
        var interpolation = SQLStatement.StringInterpolation(literalCapacity: 0, interpolationCount: rows.count * columns.count)
        interpolation.appendLiteral("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
        for row in rows {
            interpolation.appendLiteral(row == rows.lowerBound ? "(" : ", (")
            for (position, value) in values(ofRows: row..<row + 1).enumerated() {
                if position > 0 { interpolation.appendLiteral(", ") }
                if inliningNulls && value.isNull {
                    interpolation.appendLiteral("NULL")
                } else {
                    interpolation.append(value, .value)
                }
            }
            interpolation.appendLiteral(")")
        }
        if !tail.isEmpty { interpolation.appendLiteral(" " + tail) }
        return SQLStatement(stringInterpolation: interpolation)
    }
}

extension SQLSession {
    /// Multi-row statements of ``SQLBatchInsert/rowsPerStatement`` rows each: the engine-neutral form, which
    /// PostgreSQL runs (one round trip per chunk).
    public func insert(_ batch: SQLBatchInsert) throws -> SQLBatchInsert.Result {
        var result = SQLBatchInsert.Result()
        let size = batch.rowsPerStatement
        for start in stride(from: 0, to: batch.count, by: size) {
            let statement = batch.statement(start..<min(start + size, batch.count), inliningNulls: true)
            if batch.returns {
                let rows = try fetchAll(statement)
                result.rows += rows
                result.changed += rows.count
            } else {
                result.changed += try execute(statement)
            }
        }
        return result
    }
}

extension SQLiteSession {
    /// One cached single-row statement, bound and stepped per row straight through SQLite's C API (no argument array
    /// per row, texts bound from their own storage, RETURNING rows read in place): SQLite has no round trip to save,
    /// and a statement prepared once keeps ingest as fast as it was under GRDB.
    func insert(_ batch: SQLBatchInsert) throws -> SQLBatchInsert.Result {
        var result = SQLBatchInsert.Result()
        guard batch.count > 0 else { return result }
        let statement = try db.cachedStatement(sql: batch.statement(0..<1).sql(.sqlite))
        defer { count(statement) }
        let returns = batch.returns
        let columns = SQLRow.Columns(returns ? statement.columnNames : [])
        if returns { result.rows.reserveCapacity(batch.count) }
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_clear_bindings(handle) }
        for row in 0..<batch.count {
            var position: CInt = 1
            for value in batch.values(ofRows: row..<row + 1) {
                try Self.bind(value, to: handle, at: position)
                position += 1
            }
            if returns {
                // Each RETURNING row is a row changed (inserted, or updated by an ON CONFLICT clause).
                try Self.step(statement, in: db) { stepped in
                    result.rows.append(SQLRow(sqlite: stepped, columns: columns))
                    result.changed += 1
                }
            } else {
                try Self.step(statement, in: db) { _ in }
                result.changed += Int(sqlite3_changes(db.sqliteConnection))
            }
        }
        return result
    }

    /// SQLite's "copy the bytes now" destructor.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `value` at `position`, refusing a text with a NUL character (``SQLValue/checkStorable()``, as every
    /// bound argument is).
    private static func bind(_ value: SQLValue, to handle: SQLiteStatement, at position: CInt) throws {
        let code: CInt
        switch value {
        case .null, .typedNull: code = sqlite3_bind_null(handle, position)
        case .integer(let integer): code = sqlite3_bind_int64(handle, position, integer)
        case .real(let real): code = sqlite3_bind_double(handle, position, real)
        case .text(var text):
            try value.checkStorable()
            text.makeContiguousUTF8()
            code = text.utf8.withContiguousStorageIfAvailable { bytes -> CInt in
                let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
                return sqlite3_bind_text(handle, position, base.assumingMemoryBound(to: CChar.self), CInt(bytes.count), transient)
            }!
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, CInt(raw.count), transient)
            }
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }
}
