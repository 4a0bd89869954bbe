import GRDB

/// A result row read by position: what ``SQLSession/forEachRow(_:_:)`` hands its body. On SQLite it reads the
/// current row of the stepped statement in place, and on PostgreSQL the current row of the streamed result (cells
/// decoded when read), both valid only during the call; elsewhere it wraps a kept ``SQLRow``.
/// A concrete type (not a protocol), so that `decode` is specialised for each type read.
public struct SQLRowReader {
    enum Source {
        /// A row already read.
        case kept(SQLRow)
        /// The current row of a stepped SQLite statement.
        case sqlite(Statement, SQLiteStatement)
        /// The current row of a streamed PostgreSQL result.
        case postgres(PostgresRowCursor)
    }

    let source: Source
    /// How many columns the row has.
    public let columnCount: Int

    init(_ row: SQLRow) {
        source = .kept(row)
        columnCount = row.values.count
    }

    init(sqlite statement: Statement) {
        source = .sqlite(statement, statement.sqliteStatement)
        columnCount = statement.columnCount
    }

    init(postgres cursor: PostgresRowCursor) {
        source = .postgres(cursor)
        columnCount = cursor.count
    }

    /// The value of column `index` (from 0, in `SELECT` order); `index` is in `0..<columnCount`.
    @inline(__always)
    func value(at index: Int) throws -> SQLValue {
        switch source {
        case .kept(let row): row.values[index]
        case .sqlite(_, let statement): SQLValue(sqlite: statement, index: CInt(index))
        case .postgres(let cursor): try cursor.value(at: index)
        }
    }

    /// The name of column `index`, for error messages.
    func columnName(at index: Int) -> String {
        switch source {
        case .kept(let row): row.columns[index]
        case .sqlite(let statement, _): statement.columnNames[index]
        case .postgres(let cursor): cursor.columnName(at: index)
        }
    }

    /// The value at position `index` as `T`; throws when there is no such column or it holds another type.
    public func decode<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard index >= 0, index < columnCount else { throw SQLError.missingColumn("#\(index)") }
        let value = try value(at: index)
        guard let decoded = T(sqlValue: value) else {
            throw SQLError.typeMismatch(column: columnName(at: index), expected: "\(T.self)", found: value)
        }
        return decoded
    }
}

extension SQLRow {
    /// The value at position `index` as `T`.
    public func decode<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try SQLRowReader(self).decode(index, as: type)
    }
}
