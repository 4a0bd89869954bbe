import Foundation
import GRDB
import Synchronization
import PatchTrackCore

/// The application's database: one SQLite file in WAL mode behind one `DatabasePool`, and its use cases.
///
/// Every use case is one write transaction, so a failed request leaves nothing behind. SQLite allows one writing
/// process: run one `patchtrack serve` per database file.
public struct AppDatabase: Sendable {
    /// The pool every use case reads and writes through.
    let pool: DatabasePool
    /// The clock, injected so tests can fix time.
    let now: @Sendable () -> Date
    /// Advisories parsed for matching, kept across requests (this process is the only writer).
    let preparedAdvisories = PreparedAdvisoryCache()
    /// Counts write transactions, so derived answers (the rebuild plan) can be reused until the data changes.
    private let writes = WriteCounter()
    /// Counts the write transactions that can change findings or what VEX suppresses (all but those that declare
    /// otherwise), so the fleet's finding facts are reused across inventory posts, rollout events and the like.
    private let findingWrites = WriteCounter()
    /// The VEX-suppressed findings and each image's highest open severity, for ``findingWriteGeneration``.
    let findingFacts = FindingFactsCache()

    /// Opens (creating when missing) the database at `path` and applies pending migrations when `migrate` is true.
    public init(path: String, migrate: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) throws {
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
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.now = now
        if migrate {
            try Migrations.migrator.migrate(pool)
        }
    }

    /// Applies pending migrations and returns the names of those applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        let pending = try pool.read { db in try Migrations.migrator.appliedIdentifiers(db) }
        try Migrations.migrator.migrate(pool)
        return Migrations.names.filter { !pending.contains($0) }
    }

    /// Whether the database answers and every known migration has been applied.
    public func isReady() async -> Bool {
        do {
            return try await pool.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
        } catch {
            return false
        }
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedIdentifiers(db) }
            .sorted()
    }

    /// Closes the pool; later calls fail.
    public func close() throws {
        try pool.close()
    }

    /// How many write transactions this process has run (failed ones included): equal values mean unchanged data.
    public var writeGeneration: Int { writes.value }

    /// How many write transactions that can change findings or VEX suppression this process has run.
    var findingWriteGeneration: Int { findingWrites.value }

    /// One write transaction of a use case, counted. `affectsFindings: false` declares that it changes no finding,
    /// VEX statement, image, tag or component (environments, inventory, rollouts, policy, tokens, requests).
    func write<T: Sendable>(
        affectsFindings: Bool = true, _ updates: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        defer {
            writes.increment()
            if affectsFindings { findingWrites.increment() }
        }
        return try await pool.write(updates)
    }

    /// One synchronous write transaction (command-line use cases), counted.
    func writeNow<T>(affectsFindings: Bool = true, _ updates: (Database) throws -> T) throws -> T {
        defer {
            writes.increment()
            if affectsFindings { findingWrites.increment() }
        }
        return try pool.write(updates)
    }

    /// The current time on the database's clock (injected in tests).
    public var currentDate: Date { now() }

    /// The current time as stored: RFC 3339 UTC with milliseconds.
    var timestamp: String { Timestamp.format(now()) }
}

/// A counter shared by every copy of an `AppDatabase`.
final class WriteCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .acquiring) }

    func increment() { count.add(1, ordering: .releasing) }
}
