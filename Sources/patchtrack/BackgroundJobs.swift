import Logging
import PatchTrackFeeds
import PatchTrackStorage
import ServiceLifecycle

/// The background jobs of `serve`, run under leases in the database: with several replicas on one PostgreSQL, each
/// job runs on one of them at a time (see the README's "Several replicas on PostgreSQL").
struct BackgroundJobs: Service {
    let runner: LeasedJobRunner
    /// Feeds, on a runner of their own whose tick is short: a sync asked for on any replica starts within seconds.
    let feeds: LeasedJobRunner

    init(database: AppDatabase, inventoryRetentionDays: Int?, fetcher: FeedFetcher, logger: Logger) {
        var jobs: [BackgroundJob] = []
        if let days = inventoryRetentionDays {
            // Posts prune their own environment; this catches environments that stopped posting.
            jobs.append(
                BackgroundJob(name: "inventory-retention", every: .seconds(3600)) {
                    "\(try await database.inventory.prune(retentionDays: days)) snapshots older than \(days) days removed"
                })
        }
        runner = LeasedJobRunner(leases: database.leases, jobs: jobs, logger: logger)
        let worker = FeedWorker(syncer: FeedSyncer(database: database, fetcher: fetcher, logger: logger))
        feeds = LeasedJobRunner(
            leases: database.leases, holder: runner.holder, jobs: [worker.job(every: .seconds(3))], tick: .seconds(3),
            leaseDuration: .seconds(45), logger: logger)
    }

    func run() async throws {
        // Stops at the start of a graceful shutdown (giving the leases up), before the database closes.
        await cancelWhenGracefulShutdown {
            async let general: Void = runner.run()
            async let feeds: Void = self.feeds.run()
            _ = await (general, feeds)
        }
    }
}
