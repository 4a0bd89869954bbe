import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage
import Synchronization

/// Resolves `Authorization: Bearer` tokens and enforces roles: 401 without or with a bad token, 403 with a token
/// whose role is too low. Valid tokens are cached in memory for ``cacheLifetime``: a revocation through this process
/// removes its token at once; one made on another replica takes effect here when the
/// cached entry expires, without a database read per request meanwhile.
final class Authenticator: Sendable {
    /// How long a token found valid is trusted without asking the database again.
    static let cacheLifetime: TimeInterval = 5
    private static let maximumCached = 10_000

    private let database: AppDatabase
    private let cache = Mutex<[String: (token: TokenInfo, checkedAt: Date)]>([:])
    /// Dashboard sessions found valid, by cookie secret, under the same lifetime.
    private let sessions = Mutex<[String: (token: TokenInfo, checkedAt: Date)]>([:])

    init(database: AppDatabase) {
        self.database = database
    }

    /// The token of `request` if its role allows `role`; throws a 401 or 403 problem otherwise.
    func require(_ role: Role, for request: Request) async throws -> TokenInfo {
        guard let secret = Self.bearerSecret(request) else {
            throw Self.unauthorized("this route needs a token: send 'Authorization: Bearer <token>'")
        }
        let token: TokenInfo
        let now = database.currentDate
        if let cached = cache.withLock({ $0[secret] }), (0..<Self.cacheLifetime).contains(now.timeIntervalSince(cached.checkedAt)) {
            token = cached.token
        } else {
            guard let found = try await database.tokens.authenticate(secret: secret) else {
                cache.withLock { $0[secret] = nil }
                throw Self.unauthorized("the token is unknown or revoked")
            }
            cache.withLock { entries in
                if entries.count >= Self.maximumCached { entries.removeAll() }
                entries[secret] = (found, now)
            }
            token = found
        }
        guard token.role.allows(role) else {
            throw ProblemDetails(
                .forbidden, status: .forbidden,
                detail: "token '\(token.name)' has role \(token.role.rawValue); this route needs \(role.rawValue)")
        }
        return token
    }

    /// The token of the dashboard session whose cookie secret is `secret`; nil for none, an expired or ended session
    /// or a revoked token. Cached like tokens: a session ended or a token revoked on another replica is refused here
    /// within ``cacheLifetime``.
    func session(secret: String) async throws -> TokenInfo? {
        let now = database.currentDate
        if let cached = sessions.withLock({ $0[secret] }), (0..<Self.cacheLifetime).contains(now.timeIntervalSince(cached.checkedAt)) {
            return cached.token
        }
        guard let found = try await database.sessions.authenticate(secret: secret) else {
            sessions.withLock { $0[secret] = nil }
            return nil
        }
        sessions.withLock { entries in
            if entries.count >= Self.maximumCached { entries.removeAll() }
            entries[secret] = (found, now)
        }
        return found
    }

    /// Drops the session whose secret is `secret` from the cache (after signing out).
    func forget(sessionSecret secret: String) {
        sessions.withLock { $0[secret] = nil }
    }

    /// The token whose secret is `secret` when it is live, whatever its role (signing in to the dashboard).
    func token(secret: String) async throws -> TokenInfo? {
        try await database.tokens.authenticate(secret: secret)
    }

    /// Drops token `id` and its dashboard sessions from the caches (after revocation).
    func forget(tokenID id: Int64) {
        cache.withLock { entries in entries = entries.filter { $0.value.token.id != id } }
        sessions.withLock { entries in entries = entries.filter { $0.value.token.id != id } }
    }

    private static func bearerSecret(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        return secret.isEmpty ? nil : secret
    }

    private static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(.unauthorized, status: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"patchtrack\""])
    }
}
