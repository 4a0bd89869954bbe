import Foundation

/// Where the data lives, as `--database` / `PATCHTRACK_DATABASE` names it: a file path (SQLite, the embedded
/// default) or a `postgres://user:password@host:port/dbname?sslmode=disable|require|verify-full` URL.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads `text`: a `postgres://` or `postgresql://` URL, otherwise a file path.
    public init(_ text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else if text.isEmpty {
            throw SQLError.invalidLocation("the database location is empty")
        } else if lowered.contains("://") {
            throw SQLError.invalidLocation("unknown database URL scheme in \(text): use a file path or postgres://")
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The location without its password, for logs and messages.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }
}

/// A PostgreSQL server and database.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS (libpq's `sslmode` names; `disable`, `require` and `verify-full`).
    public enum TLSMode: String, Sendable {
        /// Plain TCP.
        case disable
        /// TLS, without checking the server's certificate (as libpq's `require`).
        case require
        /// TLS, checking the certificate chain and that it names the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses `postgres://user:password@host:port/dbname?sslmode=…` (port 5432, sslmode `require` when omitted;
    /// user and password percent-decoded).
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw SQLError.invalidLocation("not a postgres:// URL with a host: \(Self.redacted(text))")
        }
        guard let user = components.user, !user.isEmpty else {
            throw SQLError.invalidLocation("the postgres:// URL names no user: \(Self.redacted(text))")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw SQLError.invalidLocation("the postgres:// URL names no database (postgres://user@host:5432/dbname)")
        }
        var tls = TLSMode.require
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw SQLError.invalidLocation("sslmode must be disable, require or verify-full, not \(item.value ?? "")")
                }
                tls = mode
            case "application_name", "connect_timeout":
                continue
            default:
                throw SQLError.invalidLocation("unsupported postgres:// URL parameter \(item.name)")
            }
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = components.percentEncodedUser?.removingPercentEncoding ?? user
        self.password = components.percentEncodedPassword?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unreadable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unreadable URL)"
    }
}
