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
            let tables = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, sql LIKE '%WITHOUT ROWID%' AS withoutRowid FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                    """)
            for tableRow in tables {
                let table: String = tableRow["name"]
                hasher.update(data: Data(table.utf8))
                // WITHOUT ROWID tables (advisoryKey, componentKey) have no rowid: order them by their primary key.
                let order = (tableRow["withoutRowid"] as Bool) ? "1, 2" : "rowid"
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(quoted: table) ORDER BY \(order)")
                for row in rows {
                    hasher.update(data: Data(row.description.utf8))
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
