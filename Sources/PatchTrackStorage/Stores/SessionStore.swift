import Foundation
import PatchTrackCore

/// A dashboard session just opened: the only time its secret exists outside the browser.
public struct NewSession: Sendable {
    /// The cookie value: 43 random characters.
    public var secret: String
    /// When the session ends unless signed out before.
    public var expiresAt: Date
}

/// Dashboard sessions: opened by signing in with an API token, stored as the SHA-256 of their secret with an expiry,
/// ended by signing out, by expiry, or by revoking the token. Written once for both engines. Its writes bump no
/// generation: no cached read depends on who is signed in.
public struct SessionStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps creation and judges expiry.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Opens a session for token `tokenId`, lasting `lifetime` seconds; expired sessions are deleted on the way.
    public func open(tokenId: Int64, lifetime: TimeInterval) async throws -> NewSession {
        let secret = TokenSecret.randomString(length: 43)
        let now = context.now()
        let createdAt = Timestamp.format(now)
        let expiresAt = now.addingTimeInterval(lifetime)
        try await context.executor.write { session in
            try session.execute("DELETE FROM uiSession WHERE expiresAt <= \(createdAt)")
            try session.execute(
                """
                INSERT INTO uiSession (secretHash, tokenId, createdAt, expiresAt)
                VALUES (\(TokenSecret.hash(secret)), \(tokenId), \(createdAt), \(Timestamp.format(expiresAt)))
                """)
        }
        return NewSession(secret: secret, expiresAt: expiresAt)
    }

    /// The live token of the unexpired session whose secret is `secret`; nil for an unknown, expired or ended session
    /// or a revoked token.
    public func authenticate(secret: String) async throws -> TokenInfo? {
        guard secret.utf8.count == 43 else { return nil }
        let now = Timestamp.format(context.now())
        let row = try await context.executor.read { session in
            try session.fetchOne(
                """
                SELECT t.id, t.name, t.role, t.createdAt, t.revokedAt FROM uiSession s JOIN token t ON t.id = s.tokenId
                WHERE s.secretHash = \(TokenSecret.hash(secret)) AND s.expiresAt > \(now) AND t.revokedAt IS NULL
                """)
        }
        guard let row else { return nil }
        return TokenInfo(
            id: try row.decode(0), name: try row.decode(1), role: Role(rawValue: try row.decode(2, as: String.self)) ?? .read,
            createdAt: try row.decode(3), revokedAt: try row.decode(4))
    }

    /// Ends the session whose secret is `secret` (signing out); ending an unknown session changes nothing.
    public func end(secret: String) async throws {
        _ = try await context.executor.write { session in
            try session.execute("DELETE FROM uiSession WHERE secretHash = \(TokenSecret.hash(secret))")
        }
    }
}
