import Foundation

/// How PatchTrack reaches one registry host: its base URL, whether TLS may be skipped, and the credentials.
public struct RegistryDefinition: Sendable, Equatable {
    /// `host[:port]` as repository names spell it (`docker.io`, `ghcr.io`, `localhost:5000`).
    public var host: String
    /// The registry's base URL (`https://registry-1.docker.io`); the `/v2/` API is under it.
    public var url: String
    /// Whether plain HTTP and unverified TLS certificates are accepted.
    public var insecure: Bool

    public init(host: String, url: String?, insecure: Bool) {
        self.host = host
        self.url = url ?? Self.defaultURL(host: host)
        self.insecure = insecure
    }

    /// The URL of a host nobody configured: `https://host`, and Docker Hub's API host for `docker.io`.
    public static func defaultURL(host: String) -> String {
        host == "docker.io" ? "https://registry-1.docker.io" : "https://\(host)"
    }

    /// Checks every field; throws the first that is wrong.
    public func validate() throws(FieldError) {
        guard RepositoryName.isValidDomain(host) else {
            throw FieldError(field: "host", reason: "must be a registry host[:port] as in repository names")
        }
        guard url.utf8.count <= 2_048, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty, parsed.query == nil,
            parsed.fragment == nil, parsed.user == nil
        else {
            throw FieldError(field: "url", reason: "must be an http or https URL of at most 2,048 bytes, without credentials, query or fragment")
        }
        if let range = url.range(of: "://"), url[range.upperBound...].hasPrefix("[") {
            let authority = url[range.upperBound...].prefix { $0 != "/" }
            guard RepositoryName.isValidDomain(String(authority)) else {
                throw FieldError(field: "url", reason: "a bracketed host must be an IPv6 address")
            }
        }
        if scheme == "http", !insecure {
            throw FieldError(field: "url", reason: "an http URL needs \"insecure\": true")
        }
    }
}

/// Credentials for a registry: write-only, stored apart from its other settings.
public enum RegistryCredentials: Sendable, Equatable {
    /// Basic auth, or the username and password a Bearer token service is asked with.
    case basic(username: String, password: String)
    /// A bearer token sent as is (a registry token or a personal access token).
    case token(String)

    public func validate() throws(FieldError) {
        switch self {
        case .basic(let username, let password):
            guard !username.isEmpty, username.utf8.count <= 256, !username.contains(":") else {
                throw FieldError(field: "auth.username", reason: "must be 1 to 256 bytes without ':'")
            }
            guard !password.isEmpty, password.utf8.count <= 4_096 else {
                throw FieldError(field: "auth.password", reason: "must be 1 to 4,096 bytes")
            }
        case .token(let token):
            guard !token.isEmpty, token.utf8.count <= 8_192 else {
                throw FieldError(field: "auth.token", reason: "must be 1 to 8,192 bytes")
            }
        }
    }
}

/// A field of a definition that cannot be stored, and why.
public struct FieldError: Error, Equatable, Sendable {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}
