import Logging
import PatchTrackFeeds
import PatchTrackRegistry
import PatchTrackStorage
import PatchTrackWebhooks
import ServiceLifecycle

/// The background jobs of `serve`, run under leases in the database: with several replicas on one PostgreSQL, each
/// job runs on one of them at a time (see the README's "Several replicas on PostgreSQL").
struct BackgroundJobs: Service {
    let runner: LeasedJobRunner
    /// Feeds, on a runner of their own whose tick is short: a sync asked for on any replica starts within seconds.
    let feeds: LeasedJobRunner
    /// Notifications: the delivery worker (one long run, polling the outbox) and the jobs that turn the SLA clock
    /// and the rebuild plan into events, on a runner with the feeds' short tick.
    let notifications: LeasedJobRunner
    /// Registry watches, on a runner of their own: a long feed import does not delay a poll, nor a slow registry a
    /// sync.
    let registry: LeasedJobRunner

    init(
        database: AppDatabase, inventoryRetentionDays: Int?, fetcher: FeedFetcher, sender: WebhookSender, registryClient: RegistryClient,
        logger: Logger
    ) {
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
        let delivery = WebhookWorker(store: database.webhooks, sender: sender, logger: logger)
        let notices = NoticeJobs(database: database)
        notifications = LeasedJobRunner(
            leases: database.leases, holder: runner.holder,
            jobs: [
                delivery.job(), notices.sla(), notices.plan(),
                BackgroundJob(name: "webhook-stages", every: .seconds(60)) {
                    let flushed = try await database.webhooks.flushAbandonedStages()
                    return flushed == 0 ? "" : "\(flushed) abandoned event stages coalesced"
                },
                BackgroundJob(name: "webhook-retention", every: .seconds(3600)) {
                    let pruned = try await database.webhooks.prune(olderThanDays: 30)
                    return pruned == 0 ? "" : "\(pruned) events older than 30 days removed"
                },
            ],
            tick: .seconds(3), leaseDuration: .seconds(45), logger: logger)
        let poller = RegistryPoller(database: database, client: registryClient, logger: logger)
        registry = LeasedJobRunner(
            leases: database.leases, holder: runner.holder, jobs: [RegistryWorker(poller: poller).job(every: .seconds(3))],
            tick: .seconds(3), leaseDuration: .seconds(45), logger: logger)
    }

    func run() async throws {
        // Stops at the start of a graceful shutdown (giving the leases up), before the database closes.
        await cancelWhenGracefulShutdown {
            async let general: Void = runner.run()
            async let feeds: Void = self.feeds.run()
            async let notifications: Void = self.notifications.run()
            async let registry: Void = self.registry.run()
            _ = await (general, feeds, notifications, registry)
        }
    }
}
