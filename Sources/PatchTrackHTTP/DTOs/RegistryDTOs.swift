import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `PUT /v1/registries/{host}`: the whole settings (absent `url` is the host's default, absent `insecure`
/// is false, absent or null `auth` stores no credentials and removes any stored).
struct RegistryRequest: Decodable {
    /// `auth`: `{"username", "password"}` or `{"token"}`.
    struct Auth: Decodable {
        let username: String?
        let password: String?
        let token: String?

        /// The credentials; 422 naming the field when neither form (or both) is given.
        func credentials() throws -> RegistryCredentials {
            switch (username, password, token) {
            case (nil, nil, let token?):
                return .token(token)
            case (let username, let password, nil) where username != nil || password != nil:
                guard let username else { throw ProblemDetails.invalidField("auth.username", "is required with a password") }
                guard let password else { throw ProblemDetails.invalidField("auth.password", "is required with a username") }
                return .basic(username: username, password: password)
            default:
                throw ProblemDetails.invalidField("auth", "give either username and password, or token (null for no credentials)")
            }
        }
    }

    let url: String?
    let auth: Auth?
    let insecure: Bool?

    /// The definition and credentials, validated by Core's rules; 422 naming the field otherwise.
    func settings(host: String) throws -> (definition: RegistryDefinition, credentials: RegistryCredentials?) {
        let definition = RegistryDefinition(host: host, url: url, insecure: insecure ?? false)
        let credentials = try auth?.credentials()
        do {
            try definition.validate()
            try credentials?.validate()
        } catch {
            throw ProblemDetails.invalidField(error.field, error.reason)
        }
        return (definition, credentials)
    }
}

/// A registry as answered: its settings, which kind of credentials are stored (never the secret) and the status of
/// PatchTrack's last request to it.
struct RegistryResponse: Encodable {
    /// `auth`: the kind of stored credentials and the username of Basic ones.
    struct Auth: Encodable {
        let kind: String
        let username: String?
    }

    let host: String
    let url: String
    let insecure: Bool
    let auth: Auth
    let createdAt: String
    let updatedAt: String
    let lastSuccess: String?
    let lastError: String?
    let lastErrorAt: String?

    enum CodingKeys: String, CodingKey {
        case host, url, insecure, auth
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastSuccess = "last_success"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
    }

    init(_ registry: StoredRegistry) {
        host = registry.definition.host
        url = registry.definition.url
        insecure = registry.definition.insecure
        auth = Auth(kind: registry.authKind, username: registry.authKind == "basic" ? registry.username : nil)
        createdAt = registry.createdAt
        updatedAt = registry.updatedAt
        lastSuccess = registry.lastSuccess
        lastError = registry.lastError
        lastErrorAt = registry.lastErrorAt
    }

    /// Writes every field, null when unset.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(url, forKey: .url)
        try container.encode(insecure, forKey: .insecure)
        try container.encode(auth, forKey: .auth)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(lastSuccess, forKey: .lastSuccess)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(lastErrorAt, forKey: .lastErrorAt)
    }
}
