import Crypto
import Foundation

/// Views of the whole database for tests and support: the SQLite schema as SQL, and a fingerprint of every row.
public struct DiagnosticsStore: Sendable {
    let context: StoreContext

    /// Wraps an executor.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Why a diagnostic does not exist on this engine.
    public struct Unsupported: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The SQLite schema as SQL (`sqlite_master`, sorted by type and name), for the checked-in schema snapshot.
    /// SQLite only: the two engines' schemas are compared logically by `SchemaParityTests`.
    public func schemaSQL() async throws -> String {
        guard context.executor.dialect == .sqlite else {
            throw Unsupported(description: "the schema snapshot is SQLite's; compare PostgreSQL's logically")
        }
        return try await context.executor.read { session in
            try session.fetchAll(
                """
                SELECT sql FROM sqlite_master
                WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                ORDER BY type DESC, name
                """
            ).map { try $0.decode(0, as: String.self) }.joined(separator: ";\n") + ";\n"
        }
    }

    /// A SHA-256 over every row of every table, on either engine: equal fingerprints mean equal contents. Tests use
    /// it to prove that a rejected request wrote nothing.
    public func contentFingerprint() async throws -> String {
        try await context.executor.read { session in
            var hasher = SHA256()
            let tables = try session.fetchAll(session.dialect.tableNamesQuery).map { try $0.decode(0, as: String.self) }
            for table in tables {
                hasher.update(data: Data(table.utf8))
                // Sorted in Swift: WITHOUT ROWID tables have no rowid to order by.
                let rows = try session.fetchAll(SQLStatement(stringLiteral: "SELECT * FROM \(session.dialect.quoted(table))"))
                    .map(Self.describe).sorted()
                for row in rows {
                    hasher.update(data: Data(row.utf8))
                }
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }

    /// A row as text: each column's name and value, typed, so no two different rows read alike.
    private static func describe(_ row: SQLRow) -> String {
        zip(row.columns, row.values).map { column, value in
            let text: String
            switch value {
            case .null, .typedNull: text = "NULL"
            case .integer(let integer): text = "i\(integer)"
            case .real(let real): text = "r\(real)"
            case .text(let string): text = "t\(string.utf8.count):\(string)"
            case .blob(let bytes): text = "b" + bytes.map { String(format: "%02x", $0) }.joined()
            }
            return "\(column.utf8.count):\(column)=\(text)"
        }.joined(separator: " ")
    }
}
