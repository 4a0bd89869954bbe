import Foundation

/// A value bound to or read from a statement, in the storage classes both engines share: SQLite's five and the
/// PostgreSQL types the schema uses (BIGINT, DOUBLE PRECISION, TEXT, BYTEA; booleans are 0/1 integers).
public enum SQLValue: Sendable, Hashable {
    case null
    /// NULL bound from an optional of a known type: PostgreSQL needs the type where nothing else in the statement
    /// tells it (`$1 IS NULL`); SQLite ignores it.
    case typedNull(SQLType)
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The storage classes of bound values.
public enum SQLType: Sendable, Hashable {
    case integer, real, text, blob
}

/// A Swift value that can be bound as a statement argument.
public protocol SQLBindable: Sendable {
    /// The value as bound.
    var sqlValue: SQLValue { get }
    /// The storage class of its values (the type of its NULL when optional).
    static var sqlType: SQLType { get }
}

/// A Swift value that can be read from a result column.
public protocol SQLDecodable: Sendable {
    /// The value of `value`, or nil when the column's value does not convert.
    init?(sqlValue value: SQLValue)
}

extension Int64: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .integer }
    public var sqlValue: SQLValue { .integer(self) }
    public init?(sqlValue value: SQLValue) {
        guard case .integer(let integer) = value else { return nil }
        self = integer
    }
}

extension Int: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .integer }
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue value: SQLValue) {
        guard case .integer(let integer) = value, let exact = Int(exactly: integer) else { return nil }
        self = exact
    }
}

extension Bool: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .integer }
    /// Booleans are stored as 0 and 1 on both engines.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init?(sqlValue value: SQLValue) {
        guard case .integer(let integer) = value else { return nil }
        self = integer != 0
    }
}

extension Double: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .real }
    public var sqlValue: SQLValue { .real(self) }
    public init?(sqlValue value: SQLValue) {
        switch value {
        case .real(let real): self = real
        case .integer(let integer): self = Double(integer)
        default: return nil
        }
    }
}

extension String: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .text }
    public var sqlValue: SQLValue { .text(self) }
    public init?(sqlValue value: SQLValue) {
        guard case .text(let text) = value else { return nil }
        self = text
    }
}

extension Data: SQLBindable, SQLDecodable {
    public static var sqlType: SQLType { .blob }
    public var sqlValue: SQLValue { .blob(Array(self)) }
    public init?(sqlValue value: SQLValue) {
        guard case .blob(let bytes) = value else { return nil }
        self = Data(bytes)
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .typedNull(Wrapped.sqlType) }
    public static var sqlType: SQLType { Wrapped.sqlType }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    public init?(sqlValue value: SQLValue) {
        if value.isNull {
            self = .none
        } else if let wrapped = Wrapped(sqlValue: value) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}

extension SQLValue {
    /// Whether the value is NULL, typed or not.
    public var isNull: Bool {
        switch self {
        case .null, .typedNull: true
        default: false
        }
    }
}

/// One result row: values by column position and name.
public struct SQLRow: Sendable {
    /// The column names of a result, in order, shared by its rows; folded to lower case once, for lookups.
    public struct Columns: Sendable {
        /// The names as the engine reported them.
        public let names: [String]
        /// The names in lower case, as unquoted identifiers compare.
        let folded: [String]

        /// Folds `names` once for every row of the result.
        public init(_ names: [String]) {
            self.names = names
            self.folded = names.map { $0.lowercased() }
        }
    }

    /// The result's columns.
    public let columnSet: Columns
    /// The values, in column order.
    public let values: [SQLValue]

    /// Creates a row.
    public init(columns: Columns, values: [SQLValue]) {
        self.columnSet = columns
        self.values = values
    }

    /// The column names, in order.
    public var columns: [String] { columnSet.names }

    /// The value of column `name` as `T`; throws when the column is missing or holds another type.
    /// Names match case-insensitively, as unquoted SQL identifiers do: PostgreSQL reports `createdAt` as
    /// `createdat`.
    public func decode<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = index(of: name) else { throw SQLError.missingColumn(name) }
        return try decode(index, as: type)
    }

    /// The position of column `name`, compared like an unquoted identifier.
    func index(of name: String) -> Int? {
        columnSet.names.firstIndex(of: name) ?? columnSet.folded.firstIndex(of: name.lowercased())
    }

}

/// Errors of the executor itself (not of the statements it runs).
public enum SQLError: Error, CustomStringConvertible, Sendable {
    /// A row has no column of that name.
    case missingColumn(String)
    /// A column's value is not of the type asked for.
    case typeMismatch(column: String, expected: String, found: SQLValue)
    /// The database location could not be understood.
    case invalidLocation(String)
    /// The database server does not answer.
    case unreachable(String)
    /// A text value holds the NUL character, which PostgreSQL cannot store and SQLite's C API would cut the text at:
    /// refused on both engines rather than stored truncated on one.
    case nulCharacter
    /// The storage refuses writes: the disk is full, the database is over a size limit or read-only. Reads still
    /// work; writes succeed again once space returns.
    case storageFull(String)

    public var description: String {
        switch self {
        case .missingColumn(let name): "no column \(name) in the result"
        case .typeMismatch(let column, let expected, let found): "column \(column) holds \(found), not \(expected)"
        case .invalidLocation(let detail): detail
        case .unreachable(let detail): detail
        case .nulCharacter: "text values may not contain the NUL character (U+0000)"
        case .storageFull(let detail): detail
        }
    }
}

extension SQLValue {
    /// Throws ``SQLError/nulCharacter`` for a text value no engine stores whole; every bound argument passes here.
    @inline(__always)
    func checkStorable() throws {
        guard case .text(let text) = self else { return }
        // memchr over the contiguous UTF-8 (native strings always are); element by element otherwise.
        let found = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? text.utf8.contains(0)
        if found { throw SQLError.nulCharacter }
    }
}
