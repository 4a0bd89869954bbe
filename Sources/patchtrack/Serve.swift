import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PatchTrackFeeds
import PatchTrackHTTP
import PatchTrackRegistry
import PatchTrackStorage
import PatchTrackWebhooks
import ServiceLifecycle

/// `patchtrack serve`: runs the HTTP API until SIGINT or SIGTERM, then finishes in-flight requests and closes the
/// database.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API.")

    @Option(help: "Interface to listen on (env PATCHTRACK_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env PATCHTRACK_PORT; default 8080).")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (env PATCHTRACK_MAX_BODY; default 64 MiB).")
    var maxBody: Int?

    @Option(
        name: .customLong("inventory-retention-days"),
        help: "Days inventory snapshots are kept, the newest always; 0 keeps all (env PATCHTRACK_INVENTORY_RETENTION_DAYS; default 90).")
    var inventoryRetentionDays: Int?

    @Option(
        name: .customLong("shutdown-timeout"),
        help: "Seconds in-flight requests get to finish after SIGTERM or SIGINT before they are cut (env PATCHTRACK_SHUTDOWN_TIMEOUT; default 10).")
    var shutdownTimeout: Int?

    @Option(
        name: .customLong("read-timeout"),
        help: "Seconds a client may take to send its request head, or stay silent mid-body, before it is disconnected (env PATCHTRACK_READ_TIMEOUT; default 10).")
    var readTimeout: Int?

    @Option(
        name: .customLong("heavy-writes-per-token"),
        help: "Scan, advisory, VEX and inventory posts each token may run at once; more are answered 429 (env PATCHTRACK_HEAVY_WRITES_PER_TOKEN; default 2).")
    var heavyWritesPerToken: Int?

    @Option(
        name: .customLong("heavy-reads"),
        help: "Fleet-wide reads (findings, components, SLA, progress, status, plan, inventories) run at once; more wait their turn (env PATCHTRACK_HEAVY_READS; default 2).")
    var heavyReads: Int?

    @Option(
        help: "Feeds to enable at start, comma-separated (env PATCHTRACK_FEEDS; e.g. osv,kev,epss). Enabled feeds stay enabled.")
    var feeds: String?

    @Flag(
        name: .customLong("webhook-allow-private"),
        help: "Allow webhook URLs to loopback, link-local and private addresses (env PATCHTRACK_WEBHOOK_ALLOW_PRIVATE=1).")
    var webhookAllowPrivate = false

    @Option(
        name: .customLong("public-url"),
        help: "The service's address as people reach it, for the links in Slack messages (env PATCHTRACK_PUBLIC_URL; default http://HOST:PORT).")
    var publicURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() async throws {
        let level = (logLevel ?? Environment.value("PATCHTRACK_LOG_LEVEL")).flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let port = port ?? Environment.value("PATCHTRACK_PORT").flatMap(Int.init) ?? 8080
        guard (0...65535).contains(port) else {
            throw ValidationError("PATCHTRACK_PORT must be a port number")
        }
        let maxBody = maxBody ?? Environment.value("PATCHTRACK_MAX_BODY").flatMap(Int.init) ?? 64 * 1024 * 1024
        let retention = inventoryRetentionDays ?? Environment.value("PATCHTRACK_INVENTORY_RETENTION_DAYS").flatMap(Int.init) ?? 90
        guard (0...36500).contains(retention) else {
            throw ValidationError("the inventory retention must be 0 (keep all) to 36500 days")
        }
        let shutdownTimeout = shutdownTimeout ?? Environment.value("PATCHTRACK_SHUTDOWN_TIMEOUT").flatMap(Int.init) ?? 10
        guard (0...3600).contains(shutdownTimeout) else {
            throw ValidationError("the shutdown timeout must be 0 to 3600 seconds")
        }
        let readTimeout = readTimeout ?? Environment.value("PATCHTRACK_READ_TIMEOUT").flatMap(Int.init) ?? 10
        guard (1...3600).contains(readTimeout) else {
            throw ValidationError("the read timeout must be 1 to 3600 seconds")
        }
        let heavyWrites = heavyWritesPerToken ?? Environment.value("PATCHTRACK_HEAVY_WRITES_PER_TOKEN").flatMap(Int.init) ?? 2
        guard (1...1000).contains(heavyWrites) else {
            throw ValidationError("the heavy writes per token must be 1 to 1000")
        }
        let heavyReads = heavyReads ?? Environment.value("PATCHTRACK_HEAVY_READS").flatMap(Int.init) ?? 2
        guard (1...1000).contains(heavyReads) else {
            throw ValidationError("the heavy reads must be 1 to 1000")
        }
        let location = try database.location()
        let configuration = ServerConfiguration(
            host: host ?? Environment.value("PATCHTRACK_HOST") ?? "127.0.0.1", port: port,
            databasePath: location.description, maxBodySize: maxBody, logLevel: level,
            inventoryRetentionDays: retention == 0 ? nil : retention, readTimeout: .seconds(readTimeout),
            heavyWritesPerToken: heavyWrites, heavyReads: heavyReads,
            webhookAllowPrivate: webhookAllowPrivate || ["1", "true", "yes"].contains(Environment.value("PATCHTRACK_WEBHOOK_ALLOW_PRIVATE") ?? ""))
        var storageLogger = Logger(label: "patchtrack.storage")
        storageLogger.logLevel = .error  // PostgresNIO's pool logs each failed connection attempt at info
        let appDatabase = try await AppDatabase.open(location, logger: storageLogger)
        if let token = try await appDatabase.tokens.createInitialAdminIfNeeded() {
            FileHandle.standardOutput.write(Data("""
                Created the first admin token (it is shown only this once; store it now):
                  \(token.secret)
                Use it as a bearer token, e.g.:
                  curl -H 'Authorization: Bearer \(token.secret)' http://\(configuration.host):\(configuration.port)/v1/tokens

                """.utf8))
        }
        let feedNames = (feeds ?? Environment.value("PATCHTRACK_FEEDS") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !feedNames.isEmpty {
            let missing = try await appDatabase.feeds.enable(feedNames)
            guard missing.isEmpty else {
                try await appDatabase.close()
                throw ValidationError("--feeds: no feed named \(missing.joined(separator: ", ")) (patchtrack feed list)")
            }
        }
        let fetcher = try FeedFetcher(logger: Logger(label: "patchtrack.feeds"))
        let registryClient = RegistryClient()
        let app = buildApplication(
            configuration: configuration, database: appDatabase,
            registry: RegistryPoller(database: appDatabase, client: registryClient, logger: Logger(label: "patchtrack.registry")))
        // On SIGTERM or SIGINT the server stops accepting and lets in-flight requests finish; after the shutdown
        // timeout the group is cancelled, which closes the connections still open (a stalled upload, a slow
        // client), so the process ends within a bounded time.
        let sender = WebhookSender(settings: WebhookSendSettings(
            allowPrivate: configuration.webhookAllowPrivate,
            publicURL: publicURL ?? Environment.value("PATCHTRACK_PUBLIC_URL") ?? "http://\(configuration.host):\(configuration.port)"))
        let jobs = BackgroundJobs(
            database: appDatabase, inventoryRetentionDays: configuration.inventoryRetentionDays, fetcher: fetcher, sender: sender,
            registryClient: registryClient, logger: Logger(label: "patchtrack.jobs"))
        app.logger.info("background jobs run under leases", metadata: ["holder": "\(jobs.runner.holder)"])
        var group = ServiceGroupConfiguration(services: [app, jobs], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
        group.maximumGracefulShutdownDuration = .seconds(shutdownTimeout)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch is CancellationError {
            // The escalation after the timeout: the requests still running were cut, as asked.
        }
        try? await fetcher.shutdown()
        try? await sender.shutdown()
        try? await registryClient.shutdown()
        try await appDatabase.close()
    }
}

