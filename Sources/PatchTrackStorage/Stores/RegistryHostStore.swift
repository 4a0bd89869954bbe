import Foundation
import PatchTrackCore

/// A registry's settings with the status of PatchTrack's last request to it (never its credentials).
public struct StoredRegistry: Sendable, Equatable {
    public var definition: RegistryDefinition
    /// `none`, `basic` or `token`: which credentials are stored.
    public var authKind: String
    /// The username of Basic credentials (the password and tokens are never answered).
    public var username: String?
    public var createdAt: String
    public var updatedAt: String
    public var lastSuccess: String?
    public var lastError: String?
    public var lastErrorAt: String?
}

/// What the poller needs to reach a host: its settings (configured, or the defaults) and credentials.
public struct RegistryAccess: Sendable, Equatable {
    public var definition: RegistryDefinition
    public var credentials: RegistryCredentials?

    public init(definition: RegistryDefinition, credentials: RegistryCredentials?) {
        self.definition = definition
        self.credentials = credentials
    }
}

/// Registries an admin configured (`/v1/registries`). Credentials are written to `registryCredential` and read
/// only by the poller (``access(host:)``).
public struct RegistryHostStore: Sendable {
    let context: StoreContext

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Creates or replaces the settings of `definition.host`; `credentials` replace the stored ones (nil removes
    /// them). Answers the stored registry and whether it was new.
    public func put(_ definition: RegistryDefinition, credentials: RegistryCredentials?) async throws -> (registry: StoredRegistry, created: Bool) {
        let now = context.timestamp
        let authKind = switch credentials {
        case nil: "none"
        case .basic: "basic"
        case .token: "token"
        }
        return try await context.executor.write { session in
            let existed = try session.fetchValue("SELECT 1 FROM registry WHERE host = \(definition.host)", as: Int64.self) != nil
            try session.execute(
                """
                INSERT INTO registry (host, url, insecure, authKind, createdAt, updatedAt)
                VALUES (\(definition.host), \(definition.url), \(definition.insecure), \(authKind), \(now), \(now))
                ON CONFLICT (host) DO UPDATE SET url = excluded.url, insecure = excluded.insecure,
                    authKind = excluded.authKind, updatedAt = excluded.updatedAt, lastError = NULL, lastErrorAt = NULL
                """)
            try session.execute("DELETE FROM registryCredential WHERE host = \(definition.host)")
            switch credentials {
            case .basic(let username, let password):
                try session.execute(
                    "INSERT INTO registryCredential (host, username, secret) VALUES (\(definition.host), \(username), \(password))")
            case .token(let token):
                try session.execute(
                    "INSERT INTO registryCredential (host, username, secret) VALUES (\(definition.host), \(nil as String?), \(token))")
            case nil:
                break
            }
            guard let stored = try Self.load(session, host: definition.host).first else {
                throw StorageError.conflict("registry \(definition.host) was not stored")
            }
            return (stored, !existed)
        }
    }

    public func list() async throws -> [StoredRegistry] {
        try await context.executor.read { session in try Self.load(session, host: nil) }
    }

    public func registry(host: String) async throws -> StoredRegistry? {
        try await context.executor.read { session in try Self.load(session, host: host).first }
    }

    /// Removes a registry's settings and credentials; false when there were none.
    public func delete(host: String) async throws -> Bool {
        try await context.executor.write { session in
            try session.execute("DELETE FROM registryCredential WHERE host = \(host)")
            return try session.execute("DELETE FROM registry WHERE host = \(host)") > 0
        }
    }

    /// The settings and credentials to reach `host`: configured, or Core's defaults (anonymous, https).
    public func access(host: String) async throws -> RegistryAccess {
        try await context.executor.read { session in
            guard let row = try session.fetchOne(
                """
                SELECT r.url, r.insecure, c.username, c.secret FROM registry r
                LEFT JOIN registryCredential c ON c.host = r.host WHERE r.host = \(host)
                """)
            else { return RegistryAccess(definition: RegistryDefinition(host: host, url: nil, insecure: false), credentials: nil) }
            let definition = RegistryDefinition(host: host, url: try row.decode(0), insecure: try row.decode(1, as: Bool.self))
            let username: String? = try row.decode(2)
            let secret: String? = try row.decode(3)
            let credentials: RegistryCredentials? = secret.map { secret in
                username.map { .basic(username: $0, password: secret) } ?? .token(secret)
            }
            return RegistryAccess(definition: definition, credentials: credentials)
        }
    }

    /// Records how a request to a configured registry went (hosts nobody configured have no row and no status).
    public func recordOutcome(host: String, error: String?) async throws {
        let now = context.timestamp
        _ = try await context.executor.write { session in
            try session.execute(
                """
                UPDATE registry SET
                    lastSuccess = CASE WHEN \(error == nil) = 1 THEN \(now) ELSE lastSuccess END,
                    lastError = \(error), lastErrorAt = CASE WHEN \(error == nil) = 1 THEN lastErrorAt ELSE \(now) END
                WHERE host = \(host)
                """)
        }
    }

    static func load(_ session: any SQLSession, host: String?) throws -> [StoredRegistry] {
        try session.fetchAll(
            """
            SELECT r.host, r.url, r.insecure, r.authKind, c.username, r.createdAt, r.updatedAt, r.lastSuccess, r.lastError,
                r.lastErrorAt
            FROM registry r LEFT JOIN registryCredential c ON c.host = r.host
            WHERE \(host) IS NULL OR r.host = \(host) ORDER BY r.host
            """
        ).map { row in
            StoredRegistry(
                definition: RegistryDefinition(host: try row.decode(0), url: try row.decode(1), insecure: try row.decode(2, as: Bool.self)),
                authKind: try row.decode(3), username: try row.decode(4), createdAt: try row.decode(5), updatedAt: try row.decode(6),
                lastSuccess: try row.decode(7), lastError: try row.decode(8), lastErrorAt: try row.decode(9))
        }
    }
}
