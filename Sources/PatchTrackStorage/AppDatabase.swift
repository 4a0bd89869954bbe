import Foundation
import Logging
import PatchTrackCore

/// The application's database on either engine: the executor every store runs on, the clock, and the in-process
/// caches whose entries are valid for a generation stored in the database (so a write by another replica is seen on
/// the next read). Each feature's use cases live in its store (``scans``, ``advisories``, ``findings``, …).
public struct AppDatabase: Sendable {
    /// The engine's executor.
    public let executor: any SQLExecutor
    /// The clock, injected so tests can fix time.
    let now: @Sendable () -> Date
    /// Advisories parsed for matching, by id and `updatedAt` (stale entries are never hit).
    let preparedAdvisories = PreparedAdvisoryCache()
    /// The VEX-suppressed findings and each image's highest open severity, per finding-write generation.
    let findingFacts = FindingFactsCache()
    /// The rebuild plan's input as of the last plan, patched with the images each later write changed.
    let planInput = PlanInputCache()
    /// Webhook delivery attempts this process made, by result (for `/metrics`).
    public let webhookAttempts = WebhookAttemptCounts()

    /// Wraps an open executor.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.executor = executor
        self.now = now
    }

    /// Opens the database at `location` (a SQLite file, created when missing, or a PostgreSQL database) and applies
    /// pending migrations when `migrate` is true. An unreachable PostgreSQL server is reported within ten seconds.
    public static func open(
        _ location: DatabaseLocation, migrate: Bool = true, logger: Logger = Logger(label: "patchtrack.storage"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> AppDatabase {
        let executor = try StorageEngine.open(location, logger: logger)
        do {
            if let postgres = executor as? PostgresExecutor { try await postgres.ping() }
            if migrate { _ = try await StorageEngine.migrate(executor) }
        } catch {
            try? await executor.close()
            throw error
        }
        return AppDatabase(executor: executor, now: now)
    }

    /// Opens (creating when missing) the SQLite file at `path` and applies pending migrations when `migrate` is true.
    public init(path: String, migrate: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let pool = try SQLiteExecutor.openPool(path: path)
        if migrate {
            try Migrations.migrator.migrate(pool)
        }
        self.init(executor: SQLiteExecutor(pool: pool), now: now)
    }

    /// Applies pending migrations and returns the names of those applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await StorageEngine.migrate(executor)
    }

    /// Whether the database answers within two seconds and every known migration has been applied.
    public func isReady() async -> Bool {
        await StorageEngine.isReady(executor, timeout: .seconds(2))
    }

    /// Why writes fail, while they do: nil when no write failed for lack of space (or on a read-only database) since
    /// the last successful one; otherwise a probe write (rolled back) decides, so readiness returns without a restart
    /// once space does. On SQLite a file system with (almost) no space left counts as failing at once: a small write
    /// that fits in pages the file already has succeeds there, and the next one that needs a page fails.
    public func writeFailure() async -> String? {
        do {
            if let sqlite = executor as? SQLiteExecutor { try sqlite.checkFreeSpace() }
            guard executor.health.writeFailure != nil else { return nil }
            try await executor.probeWrite()
            return nil
        } catch SQLError.storageFull(let detail) {
            return detail
        } catch {
            return executor.health.writeFailure
        }
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await StorageEngine.appliedMigrations(executor)
    }

    /// Closes the engine's connections; later calls fail.
    public func close() async throws {
        try await executor.close()
    }

    /// The number of committed write transactions, read from the database: equal values mean unchanged data, for
    /// every process on it.
    public func writeGeneration() async throws -> Int {
        try await generations.current().writes
    }

    /// What every store holds: the executor, its generations and the clock.
    var context: StoreContext { StoreContext(executor: executor, now: now) }

    /// API tokens.
    public var tokens: TokenStore { TokenStore(executor: executor, now: now) }
    /// Dashboard sessions, opened with a token.
    public var sessions: SessionStore { SessionStore(executor: executor, now: now) }
    /// The write generations.
    public var generations: GenerationStore { GenerationStore(executor: executor) }
    /// Leases of background jobs.
    public var leases: LeaseStore { LeaseStore(executor: executor, now: now) }
    /// Registry facts.
    public var registry: RegistryStore { RegistryStore(executor: executor, now: now) }
    /// Environments.
    public var environments: EnvironmentStore { EnvironmentStore(executor: executor, now: now) }
    /// Inventory snapshots.
    public var inventory: InventoryStore { InventoryStore(executor: executor, now: now, findingFacts: findingFacts) }
    /// Rollouts.
    public var rollouts: RolloutStore { RolloutStore(executor: executor, now: now) }
    /// Build reports.
    public var builds: BuildStore { BuildStore(executor: executor, now: now) }
    /// VEX statements.
    public var vex: VEXStore { VEXStore(executor: executor, now: now) }
    /// The rebuild policy.
    public var policies: PolicyStore { PolicyStore(executor: executor, now: now) }
    /// Advisory feeds: configuration, sync state, KEV and EPSS.
    public var feeds: FeedStore { FeedStore(executor: executor, now: now) }
    /// Registries PatchTrack reads (settings and write-only credentials).
    public var registries: RegistryHostStore { RegistryHostStore(executor: executor, now: now) }
    /// Watched repositories and the status of their polls.
    public var watches: WatchStore { WatchStore(executor: executor, now: now) }
    /// Images' signature checks.
    public var signatures: SignatureStore { SignatureStore(executor: executor, now: now) }
    /// Webhook subscriptions, their deliveries and the notices of once-only events.
    public var webhooks: WebhookStore { WebhookStore(executor: executor, now: now, attempts: webhookAttempts) }
    /// Scans, components and scanner verdicts; ingesting a scan matches it.
    public var scans: ScanStore { ScanStore(executor: executor, now: now, cache: preparedAdvisories) }
    /// OSV advisories; ingesting them matches them.
    public var advisories: AdvisoryStore { AdvisoryStore(executor: executor, now: now, cache: preparedAdvisories) }
    /// Finding lists, known advisory ids, images a vulnerability affects.
    public var findings: FindingStore { FindingStore(executor: executor, now: now) }
    /// The rebuild plan input, rebuild requests and image bases.
    public var rebuilds: RebuildStore { RebuildStore(executor: executor, now: now, inputCache: planInput) }
    /// The fleet status and SLA breaches (sharing this process's finding facts).
    public var fleet: FleetStore { FleetStore(executor: executor, now: now, findingFacts: findingFacts) }
    /// Vulnerability progress, exposure history and finding timelines.
    public var progress: ProgressStore { ProgressStore(executor: executor, now: now, findingFacts: findingFacts) }
    /// The schema snapshot and content fingerprint.
    public var diagnostics: DiagnosticsStore { DiagnosticsStore(executor: executor, now: now) }

    /// The current time on the database's clock (injected in tests).
    public var currentDate: Date { now() }

    /// The current time as stored: RFC 3339 UTC with milliseconds.
    var timestamp: String { Timestamp.format(now()) }
}
