import NIOCore
import PostgresNIO

/// PostgreSQL's form of ``SQLBatchInsert``: each column bound as one array and the rows read back with `unnest`,
///
///     INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[]) <tail>
///
/// so a batch of thousands of rows is one statement of one argument per column: one round trip, a text the server
/// plans the same way every time, and no parameter list of tens of thousands of values to parse.
extension PostgresSession {
    /// Rows per statement: bounds the size of one message, not the round trips (one per this many rows).
    static let unnestRowsPerStatement = 10_000

    func insert(_ batch: SQLBatchInsert) throws -> SQLBatchInsert.Result {
        var result = SQLBatchInsert.Result()
        guard batch.count > 0 else { return result }
        let types = Self.columnTypes(batch)
        let arrays = types.enumerated()
            .map { position, type in "$\(position + 1)::\(Self.arrayTypeName(type))" }
            .joined(separator: ", ")
        let sql = "INSERT INTO \(batch.table) (\(batch.columns.joined(separator: ", "))) SELECT * FROM unnest(\(arrays))"
            + (batch.tail.isEmpty ? "" : " " + batch.tail)
        for start in stride(from: 0, to: batch.count, by: Self.unnestRowsPerStatement) {
            let rows = start..<min(start + Self.unnestRowsPerStatement, batch.count)
            var bindings = PostgresBindings(capacity: types.count)
            for (column, type) in types.enumerated() {
                bindings.append(try Self.array(of: batch, column: column, rows: rows, type: type))
            }
            let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
            let answer = try connection.query(query, logger: logger).wait()
            if batch.returns {
                let kept = try Self.rows(of: answer)
                result.rows += kept
                result.changed += kept.count
            } else {
                result.changed += answer.metadata.rows ?? 0
            }
        }
        return result
    }

    /// Each column's storage class: that of its first non-NULL value, else of its typed NULLs, else text.
    private static func columnTypes(_ batch: SQLBatchInsert) -> [SQLType] {
        (0..<batch.columns.count).map { column in
            var typedNull: SQLType?
            for row in 0..<batch.count {
                switch batch.value(row: row, column: column) {
                case .integer: return .integer
                case .real: return .real
                case .text: return .text
                case .blob: return .blob
                case .typedNull(let type): typedNull = typedNull ?? type
                case .null: continue
                }
            }
            return typedNull ?? .text
        }
    }

    private static func arrayTypeName(_ type: SQLType) -> String {
        switch type {
        case .integer: "bigint[]"
        case .real: "double precision[]"
        case .text: "text[]"
        case .blob: "bytea[]"
        }
    }

    /// One column of `rows` as a one-dimensional array in PostgreSQL's binary format: dimensions, NULL flag, element
    /// type, length and lower bound, then each element as its length (-1 for NULL) and bytes.
    private static func array(of batch: SQLBatchInsert, column: Int, rows: Range<Int>, type: SQLType) throws -> PostgresData {
        let (arrayType, elementType): (PostgresDataType, PostgresDataType) =
            switch type {
            case .integer: (.int8Array, .int8)
            case .real: (.float8Array, .float8)
            case .text: (.textArray, .text)
            case .blob: (.byteaArray, .bytea)
            }
        var buffer = ByteBufferAllocator().buffer(capacity: 20 + rows.count * 16)
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(1))  // may hold NULLs
        buffer.writeInteger(Int32(bitPattern: elementType.rawValue))
        buffer.writeInteger(Int32(rows.count))
        buffer.writeInteger(Int32(1))
        for row in rows {
            let value = batch.value(row: row, column: column)
            try value.checkStorable()
            switch (value, type) {
            case (.null, _), (.typedNull, _):
                buffer.writeInteger(Int32(-1))
            case (.integer(let integer), .integer):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(integer)
            case (.integer(let integer), .real):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(Double(integer).bitPattern)
            case (.real(let real), .real):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(real.bitPattern)
            case (.text(let text), .text):
                buffer.writeInteger(Int32(text.utf8.count))
                buffer.writeString(text)
            case (.blob(let bytes), .blob):
                buffer.writeInteger(Int32(bytes.count))
                buffer.writeBytes(bytes)
            default:
                throw SQLError.typeMismatch(column: batch.columns[column], expected: "\(type)", found: value)
            }
        }
        return PostgresData(type: arrayType, formatCode: .binary, value: buffer)
    }
}
