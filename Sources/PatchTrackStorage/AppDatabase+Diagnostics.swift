import Crypto
import Foundation
import GRDB

extension AppDatabase {
    /// The schema as SQL (`sqlite_master`, sorted by name), for the checked-in schema snapshot.
    public func schemaSQL() throws -> String {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT sql FROM sqlite_master
                    WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    ORDER BY type DESC, name
                    """)
                .joined(separator: ";\n") + ";\n"
        }
    }

    /// A SHA-256 over every row of every application table: equal fingerprints mean equal contents. Tests use it to
    /// prove that a rejected request wrote nothing.
    public func contentFingerprint() throws -> String {
        try pool.read { db in
            var hasher = SHA256()
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                hasher.update(data: Data(table.utf8))
                // Sorted in Swift: WITHOUT ROWID tables have no rowid to order by.
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(quoted: table)").map(\.description).sorted()
                for row in rows {
                    hasher.update(data: Data(row.utf8))
                }
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}

extension String.StringInterpolation {
    /// An SQL identifier, double-quoted (for table names read from `sqlite_master`, never from input).
    fileprivate mutating func appendInterpolation(quoted identifier: String) {
        appendLiteral("\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    }
}
