import Foundation
import GRDB

/// Copies a SQLite database into a new PostgreSQL database: how an installation that outgrew one node moves to
/// several replicas. Both must be at the same migration; the target must hold no data yet (a freshly migrated
/// database). Every table is copied in one PostgreSQL transaction, parents before children, streamed from a SQLite
/// read snapshot in multi-row inserts; identity sequences then continue after the copied ids. A failure leaves the
/// target as it was.
public enum DatabaseCopy {
    /// What was copied.
    public struct Result: Sendable {
        /// Rows copied per table, in copy order.
        public var tables: [(name: String, rows: Int)]
    }

    /// Why a copy cannot start.
    public enum Refusal: Error, CustomStringConvertible {
        case unsupportedEngines
        case migrationsDiffer(source: [String], target: [String])
        case targetNotEmpty(table: String)

        public var description: String {
            switch self {
            case .unsupportedEngines:
                "copying runs from a SQLite file into a PostgreSQL database"
            case .migrationsDiffer(let source, let target):
                "the databases are at different migrations (source: \(source.last ?? "none"), target: \(target.last ?? "none")); run patchtrack migrate on both first"
            case .targetNotEmpty(let table):
                "the target database already holds data (table \(table)); copy into a new, migrated database"
            }
        }
    }

    /// Tables the migrations seed on both engines: their target rows are replaced by the source's.
    static let seededTables: Set<String> = ["generation", "feed"]

    /// Copies `source` into `target`.
    public static func copy(from source: any SQLExecutor, to target: any SQLExecutor) async throws -> Result {
        guard let sqlite = source as? SQLiteExecutor, target.dialect == .postgres else { throw Refusal.unsupportedEngines }
        let (sourceMigrations, targetMigrations) = (
            try await StorageEngine.appliedMigrations(source), try await StorageEngine.appliedMigrations(target)
        )
        guard sourceMigrations == targetMigrations else {
            throw Refusal.migrationsDiffer(source: sourceMigrations, target: targetMigrations)
        }
        let tables = try await sqlite.pool.read { db in try orderedTables(db) }
        let pool = sqlite.pool
        return try await target.write { session in
            for table in tables.reversed() {
                let occupied = try session.fetchValue(SQLStatement(stringLiteral: "SELECT EXISTS (SELECT 1 FROM \(table.name))"), as: Bool.self)
                if occupied == true {
                    guard seededTables.contains(table.name) else { throw Refusal.targetNotEmpty(table: table.name) }
                    try session.execute(SQLStatement(stringLiteral: "DELETE FROM \(table.name)"))
                }
            }
            var result = Result(tables: [])
            // One snapshot of the source for every table, read on this thread while the target transaction is open.
            try pool.read { db in
                for table in tables {
                    result.tables.append((table.name, try copyRows(of: table, from: db, into: session)))
                }
                for table in tables where !table.deferred.isEmpty {
                    try restoreDeferred(of: table, from: db, into: session)
                }
            }
            for table in tables where table.columns.contains("id") {
                let name = table.name.lowercased()
                guard let sequence = try session.fetchValue("SELECT pg_get_serial_sequence(\(name), 'id')", as: String.self) else { continue }
                let table = SQLStatement(stringLiteral: name)
                try session.execute("SELECT setval(CAST(\(sequence) AS regclass), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)")
            }
            return result
        }
    }

    struct Table {
        let name: String
        let columns: [String]
        /// Foreign-key columns that close a cycle (`environment.currentSnapshotId` ↔ `inventorySnapshot`): copied as
        /// NULL, then set once every table is in.
        var deferred: Set<String> = []
    }

    /// The application's tables, each after the tables its foreign keys reference; a cycle is broken by deferring
    /// the foreign-key columns of one of its tables.
    static func orderedTables(_ db: Database) throws -> [Table] {
        let names = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                ORDER BY name
                """)
        var references: [String: [(column: String, parent: String)]] = [:]
        for name in names {
            references[name] = try Row.fetchAll(db, sql: "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)", arguments: [name])
                .map { (column: $0[0], parent: $0[1]) }
                .filter { $0.parent != name }
        }
        var ordered: [Table] = []
        var remaining = names
        while !remaining.isEmpty {
            let done = Set(ordered.map(\.name))
            let ready = remaining.filter { references[$0, default: []].allSatisfy { done.contains($0.parent) } }
            if ready.isEmpty {
                let name = remaining[0]
                let deferred = Set(references[name, default: []].filter { !done.contains($0.parent) }.map(\.column))
                ordered.append(Table(name: name, columns: try columns(db, name), deferred: deferred))
                remaining.removeFirst()
                continue
            }
            for name in ready { ordered.append(Table(name: name, columns: try columns(db, name))) }
            remaining.removeAll { ready.contains($0) }
        }
        return ordered
    }

    static func columns(_ db: Database, _ table: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
    }

    /// Sets the deferred foreign-key columns of `table` from the source, now that every row they reference exists.
    static func restoreDeferred(of table: Table, from db: Database, into session: any SQLSession) throws {
        let name = SQLStatement(stringLiteral: table.name)
        for column in table.deferred.sorted() {
            let rows = try Row.fetchAll(db, sql: "SELECT id, \(column) FROM \(table.name) WHERE \(column) IS NOT NULL")
            let target = SQLStatement(stringLiteral: column)
            for row in rows {
                let (id, value): (Int64, Int64) = (row[0], row[1])
                try session.execute("UPDATE \(name) SET \(target) = \(value) WHERE id = \(id)")
            }
        }
    }

    /// Streams the rows of `table` into multi-row inserts of at most ~30,000 arguments (PostgreSQL allows 65,535).
    static func copyRows(of table: Table, from db: Database, into session: any SQLSession) throws -> Int {
        let rowsPerInsert = max(1, 30_000 / table.columns.count)
        let columnList = table.columns.joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columnList) FROM \(table.name)")
        var batch: [[SQLValue]] = []
        var copied = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            var insert = SQLStatement.StringInterpolation(literalCapacity: 0, interpolationCount: batch.count * table.columns.count)
            insert.appendLiteral("INSERT INTO \(table.name) (\(columnList)) VALUES ")
            for (rowIndex, values) in batch.enumerated() {
                insert.appendLiteral(rowIndex == 0 ? "(" : ", (")
                for (index, value) in values.enumerated() {
                    if index > 0 { insert.appendLiteral(", ") }
                    insert.append(value, .value)
                }
                insert.appendLiteral(")")
            }
            try session.execute(SQLStatement(stringInterpolation: insert))
            copied += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        while let row = try cursor.next() {
            batch.append(table.columns.indices.map { table.deferred.contains(table.columns[$0]) ? .null : SQLValue(row[$0] as DatabaseValue) })
            if batch.count == rowsPerInsert { try flush() }
        }
        try flush()
        return copied
    }
}
