import Foundation
import GRDB
import Logging

/// Opening and migrating a database on either engine: the only place that chooses between them.
public enum StorageEngine {
    /// Opens the executor for `location`: a SQLite file (created when missing) or a pool of PostgreSQL connections.
    public static func open(_ location: DatabaseLocation, logger: Logger) throws -> any SQLExecutor {
        switch location {
        case .sqlite(let path): SQLiteExecutor(pool: try SQLiteExecutor.openPool(path: path))
        case .postgres(let server): PostgresExecutor(server, logger: logger)
        }
    }

    /// Applies pending migrations and returns the names of those applied now. An unreachable PostgreSQL server is
    /// reported within ten seconds.
    public static func migrate(_ executor: any SQLExecutor) async throws -> [String] {
        switch executor {
        case let sqlite as SQLiteExecutor:
            return try Migrations.apply(sqlite.pool)
        case let postgres as PostgresExecutor:
            try await postgres.ping()
            return try await PostgresMigrations.migrate(postgres)
        default:
            preconditionFailure("unknown engine \(type(of: executor))")
        }
    }

    /// Names of the migrations applied to the database, in order.
    public static func appliedMigrations(_ executor: any SQLExecutor) async throws -> [String] {
        switch executor {
        case let sqlite as SQLiteExecutor:
            return try await sqlite.pool.read { db in try Migrations.migrator.appliedIdentifiers(db) }.sorted()
        default:
            return try await executor.read { session in try PostgresMigrations.applied(session) }
        }
    }

    /// Whether the database answers within `timeout` and has every migration this build knows: what `/readyz` asks.
    public static func isReady(_ executor: any SQLExecutor, timeout: Duration) async -> Bool {
        let known = knownMigrations(executor.dialect)
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await appliedMigrations(executor)).map { Set(known).isSubset(of: $0) } ?? false }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }

    /// Names of the migrations this build knows for `dialect`, in order (the same identifiers on both engines).
    public static func knownMigrations(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite: Migrations.names
        case .postgres: PostgresMigrations.names
        }
    }
}

extension SQLiteExecutor {
    /// Opens (creating when missing) the SQLite file at `path` as a WAL pool with PatchTrack's settings.
    static func openPool(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL is set by DatabasePool; NORMAL sync is durable across application crashes in WAL mode.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Matching walks indexes over millions of rows: read pages through a memory map instead of one pread
            // each, and keep more of them cached per connection.
            try db.execute(sql: "PRAGMA mmap_size = 4294967296")
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // Statement journals (the undo of one statement, which every finding upsert with its unique keys and
            // checks keeps) and temporary b-trees in memory: on disk, each upsert's journal past 64 KiB was written
            // to a temporary file, half the time of a zip import's finding upserts.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try DatabasePool(path: path, configuration: configuration)
    }
}
