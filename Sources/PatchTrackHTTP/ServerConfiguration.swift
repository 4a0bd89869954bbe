import Logging

/// Everything `buildApplication` needs, as plain values (tests build one with a temporary database path).
public struct ServerConfiguration: Sendable {
    /// Interface to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one.
    public var port: Int
    /// Where the database is, as shown to people: a SQLite file path or a PostgreSQL URL without its password.
    public var databasePath: String
    /// Largest accepted request body in bytes.
    public var maxBodySize: Int
    /// Deepest accepted JSON nesting.
    public var maxJSONDepth: Int
    /// Log level of the request log.
    public var logLevel: Logger.Level
    /// Days an environment's inventory snapshots are kept (the newest always is); nil keeps every snapshot.
    public var inventoryRetentionDays: Int?
    /// How long a client may take to send its request head, or stay silent in the middle of its body, before its
    /// connection is closed.
    public var readTimeout: Duration
    /// Heavy writes (scan, advisory, VEX and inventory ingests) each token may run at once; more are refused with 429.
    public var heavyWritesPerToken: Int
    /// Heavy reads (lists and figures over the whole fleet) run at once; more wait their turn.
    public var heavyReads: Int
    /// Whether webhook URLs may point at loopback, link-local and private addresses (`--webhook-allow-private`).
    public var webhookAllowPrivate: Bool

    /// Creates a configuration; the defaults are the documented ones.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "patchtrack.sqlite",
        maxBodySize: Int = 64 * 1024 * 1024, maxJSONDepth: Int = 64, logLevel: Logger.Level = .info,
        inventoryRetentionDays: Int? = 90, readTimeout: Duration = .seconds(10),
        heavyWritesPerToken: Int = 2, heavyReads: Int = 2, webhookAllowPrivate: Bool = false
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.maxBodySize = maxBodySize
        self.maxJSONDepth = maxJSONDepth
        self.logLevel = logLevel
        self.inventoryRetentionDays = inventoryRetentionDays
        self.readTimeout = readTimeout
        self.heavyWritesPerToken = heavyWritesPerToken
        self.heavyReads = heavyReads
        self.webhookAllowPrivate = webhookAllowPrivate
    }
}
