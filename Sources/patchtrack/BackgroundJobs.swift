import Logging
import PatchTrackStorage
import ServiceLifecycle

/// The background jobs of `serve`, run under leases in the database: with several replicas on one PostgreSQL, each
/// job runs on one of them at a time (see the README's "Several replicas on PostgreSQL").
struct BackgroundJobs: Service {
    let runner: LeasedJobRunner

    init(database: AppDatabase, inventoryRetentionDays: Int?, logger: Logger) {
        var jobs: [BackgroundJob] = []
        if let days = inventoryRetentionDays {
            // Posts prune their own environment; this catches environments that stopped posting.
            jobs.append(
                BackgroundJob(name: "inventory-retention", every: .seconds(3600)) {
                    "\(try await database.inventory.prune(retentionDays: days)) snapshots older than \(days) days removed"
                })
        }
        runner = LeasedJobRunner(leases: database.leases, jobs: jobs, logger: logger)
    }

    func run() async throws {
        // With no job, waits for the shutdown: a service that returns would stop the whole group.
        guard !runner.jobs.isEmpty else { return try await gracefulShutdown() }
        // Stops at the start of a graceful shutdown (giving the leases up), before the database closes.
        await cancelWhenGracefulShutdown { await runner.run() }
    }
}
