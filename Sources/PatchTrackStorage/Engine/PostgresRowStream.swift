import Foundation
import NIOCore
import PostgresNIO

/// PostgreSQL's ``SQLSession/forEachRow(_:_:)``: the rows are handed to the body as they arrive, each cell decoded
/// only when the body reads it, instead of collecting the whole result and converting every cell to an ``SQLValue``
/// first (what ``PostgresSession/fetchAll(_:)`` does). The event loop decodes the protocol messages while this pool
/// thread runs the body on the rows before them.
extension PostgresSession {
    func forEachRow(_ statement: SQLStatement, _ body: (SQLRowReader) throws -> Void) throws {
        let queue = PostgresRowQueue()
        connection.query(try Self.query(statement), logger: logger) { row in queue.append(row) }
            .whenComplete { result in queue.finish(result.map { _ in () }) }
        let cursor = PostgresRowCursor()
        var batch: [PostgresRow] = []
        var failure: (any Error)?
        do {
            while try queue.take(into: &batch) {
                // After the body failed the rest of the result is only drained: the connection answers nothing else
                // until the query ends.
                guard failure == nil else { continue }
                for row in batch {
                    cursor.load(row)
                    do {
                        try body(SQLRowReader(postgres: cursor))
                    } catch {
                        failure = error
                        break
                    }
                }
            }
        } catch {
            throw failure ?? error
        }
        if let failure { throw failure }
    }

    /// The value of `cell`. The types the schema's columns read back as are decoded here straight from the binary
    /// cell, exactly as PostgresNIO's decoders read them; anything else goes through ``genericValue(_:)``.
    @inline(__always)
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .binary {
            switch cell.dataType {
            case .int8 where bytes.readableBytes == 8:
                return .integer(bytes.readInteger(as: Int64.self)!)
            case .int4 where bytes.readableBytes == 4:
                return .integer(Int64(bytes.readInteger(as: Int32.self)!))
            case .text, .varchar, .name, .bpchar:
                return .text(bytes.readString(length: bytes.readableBytes)!)
            case .float8 where bytes.readableBytes == 8:
                return .real(Double(bitPattern: bytes.readInteger(as: UInt64.self)!))
            case .bytea:
                return .blob(Array(bytes.readableBytesView))
            default:
                break
            }
        }
        return try genericValue(cell)
    }

    /// The value of `cell` through PostgresNIO's decoders: every type the fast path of ``value(_:)`` leaves out.
    static func genericValue(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8:
            return .integer(try cell.decode(Int64.self))
        case .bool:
            return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8:
            return .real(try cell.decode(Double.self))
        case .numeric:
            // Results arrive in binary format, which only PostgresNIO's Decimal reads (a String would take the raw bytes).
            let text = try cell.decode(Decimal.self).description
            if let integer = Int64(text) { return .integer(integer) }
            return .real(Double(text) ?? .nan)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default:
            return .text(try cell.decode(String.self))
        }
    }
}

/// The current row of a streamed PostgreSQL result, read in place by ``SQLRowReader``: its cells are kept as the
/// server sent them and decoded one by one when asked for. Reused from row to row.
final class PostgresRowCursor {
    private var cells: [PostgresCell] = []

    /// Makes `row` the current row.
    func load(_ row: PostgresRow) {
        cells.removeAll(keepingCapacity: true)
        cells.append(contentsOf: row)
    }

    /// How many columns the row has.
    var count: Int { cells.count }

    /// The value of column `index`.
    func value(at index: Int) throws -> SQLValue {
        try PostgresSession.value(cells[index])
    }

    /// The name of column `index`.
    func columnName(at index: Int) -> String {
        cells[index].columnName
    }
}

/// Rows passed from the event loop that receives them to the pool thread that reads them, in batches: the reader
/// wakes when a batch has filled or the query has ended, not for every row.
final class PostgresRowQueue: @unchecked Sendable {
    /// Rows that wake the reader: enough that a wake-up is rare next to the work on its rows.
    static let batchSize = 256

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var rows: [PostgresRow] = []
    private var end: Result<Void, any Error>?

    /// Adds a row (on the event loop).
    func append(_ row: PostgresRow) {
        condition.lock()
        rows.append(row)
        if rows.count == Self.batchSize { condition.signal() }
        condition.unlock()
    }

    /// Marks the end of the result, or the query's failure (on the event loop).
    func finish(_ result: Result<Void, any Error>) {
        condition.lock()
        end = result
        condition.signal()
        condition.unlock()
    }

    /// Replaces `batch` with the rows received since the last call, waiting for a full batch or the end; false once
    /// every row was taken, throwing then when the query failed.
    func take(into batch: inout [PostgresRow]) throws -> Bool {
        batch.removeAll(keepingCapacity: true)
        condition.lock()
        defer { condition.unlock() }
        while rows.count < Self.batchSize && end == nil {
            condition.wait()
        }
        if !rows.isEmpty {
            swap(&rows, &batch)
            return true
        }
        try end!.get()
        return false
    }
}
