import Foundation
import GRDB
import PatchTrackCore

/// The application's database on SQLite: one file in WAL mode behind one `DatabasePool`, and the use cases of the
/// stores not yet on the engine-neutral seam (``SQLExecutor``). The stores on the seam (``tokens``,
/// ``generations``, ``leases``) share its pool through ``executor``.
///
/// Every use case is one write transaction, so a failed request leaves nothing behind, and bumps the write
/// generations stored in the database (``GenerationStore``) in that transaction.
public struct AppDatabase: Sendable {
    /// The pool every use case reads and writes through.
    let pool: DatabasePool
    /// The clock, injected so tests can fix time.
    let now: @Sendable () -> Date
    /// Advisories parsed for matching, by id and `updatedAt` (stale entries are never hit).
    let preparedAdvisories = PreparedAdvisoryCache()
    /// The VEX-suppressed findings and each image's highest open severity, per finding-write generation.
    let findingFacts = FindingFactsCache()
    /// The engine-neutral executor over the same pool.
    public let executor: any SQLExecutor

    /// Opens (creating when missing) the database at `path` and applies pending migrations when `migrate` is true.
    public init(path: String, migrate: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.pool = try SQLiteExecutor.openPool(path: path)
        self.executor = SQLiteExecutor(pool: pool)
        self.now = now
        if migrate {
            try Migrations.migrator.migrate(pool)
        }
    }

    /// API tokens.
    public var tokens: TokenStore { TokenStore(executor: executor, now: now) }

    /// The write generations.
    public var generations: GenerationStore { GenerationStore(executor: executor) }

    /// Leases of background jobs.
    public var leases: LeaseStore { LeaseStore(executor: executor, now: now) }

    /// Applies pending migrations and returns the names of those applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        try Migrations.apply(pool)
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

    /// The number of committed write transactions, read from the database: equal values mean unchanged data, for
    /// every process on it.
    public func writeGeneration() async throws -> Int {
        try await generations.current().writes
    }

    /// The generations as the transaction of `db` sees them.
    static func generations(_ db: Database) throws -> Generations {
        try GenerationStore.read(SQLiteSession(db: db))
    }

    /// One write transaction of a use case; it bumps the generations when it changed a row. `affectsFindings: false` declares that it
    /// changes no finding, VEX statement, image, tag or component (environments, inventory, rollouts, policy,
    /// tokens, requests).
    func write<T: Sendable>(
        affectsFindings: Bool = true, _ updates: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await pool.write { db in
            let changesBefore = db.totalChangesCount
            let result = try updates(db)
            // A transaction that changed no row (a request refused after reading) keeps the generation: caches stay.
            if db.totalChangesCount != changesBefore {
                try SQLiteSession(db: db).execute(GenerationStore.bump(affectsFindings: affectsFindings))
            }
            return result
        }
    }

    /// The current time on the database's clock (injected in tests).
    public var currentDate: Date { now() }

    /// The current time as stored: RFC 3339 UTC with milliseconds.
    var timestamp: String { Timestamp.format(now()) }
}
