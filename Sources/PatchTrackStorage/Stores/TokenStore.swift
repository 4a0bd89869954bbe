import Foundation
import PatchTrackCore

/// API tokens: created with a random secret of which only the SHA-256 is stored, listed without secrets, revoked,
/// and looked up by their public key for authentication. Written once for both engines.
public struct TokenStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps creation and revocation.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Creates a token with `role`, storing only the SHA-256 of its secret.
    public func create(name: String, role: Role, createdBy: Int64? = nil) async throws -> NewToken {
        let (lookupKey, secret) = TokenSecret.generate()
        let createdAt = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            try Self.insert(session, name: name, role: role, lookupKey: lookupKey, secret: secret, createdAt: createdAt, createdBy: createdBy)
        }
    }

    /// Creates an admin token named `name` when no usable admin token exists; returns it, or nil when one exists.
    /// Processes starting together on one database create one between them.
    public func createInitialAdminIfNeeded(name: String = "initial-admin") async throws -> NewToken? {
        let (lookupKey, secret) = TokenSecret.generate()
        let createdAt = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session -> NewToken? in
            try session.serialize(on: .initialAdminToken)
            let admins = try session.fetchValue(
                "SELECT count(*) FROM token WHERE role = \(Role.admin.rawValue) AND revokedAt IS NULL", as: Int.self)
            guard admins == 0 else { return nil }
            return try Self.insert(session, name: name, role: .admin, lookupKey: lookupKey, secret: secret, createdAt: createdAt, createdBy: nil)
        }
    }

    /// Every token, newest first, without secrets.
    public func list() async throws -> [TokenInfo] {
        try await context.executor.read { session in
            try session.fetchAll("SELECT \(Self.columns) FROM token ORDER BY id DESC").map(Self.info)
        }
    }

    /// Revokes token `id` at once, ending its dashboard sessions. Revoking a revoked token changes nothing.
    public func revoke(id: Int64) async throws -> TokenInfo {
        let revokedAt = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            try session.execute(
                "UPDATE token SET revokedAt = \(revokedAt) WHERE id = \(id) AND revokedAt IS NULL")
            try session.execute("DELETE FROM uiSession WHERE tokenId = \(id)")
            guard let row = try session.fetchOne("SELECT \(Self.columns) FROM token WHERE id = \(id)") else {
                throw StorageError.notFound("token \(id)")
            }
            return try Self.info(row)
        }
    }

    /// The live (not revoked) token whose secret is `secret`, compared in constant time; nil otherwise.
    public func authenticate(secret: String) async throws -> TokenInfo? {
        guard let lookupKey = TokenSecret.lookupKey(of: secret) else { return nil }
        let row = try await context.executor.read { session in
            try session.fetchOne(
                "SELECT \(Self.columns), secretHash FROM token WHERE lookupKey = \(lookupKey)")
        }
        guard let row, let info = try? Self.info(row), info.revokedAt == nil,
            TokenSecret.constantTimeEquals(try row.decode("secretHash", as: Data.self), TokenSecret.hash(secret))
        else { return nil }
        return info
    }

    // MARK: - Statements

    private static let columns: SQLStatement = "id, name, role, createdAt, revokedAt"

    private static func insert(
        _ session: any SQLSession, name: String, role: Role, lookupKey: String, secret: String, createdAt: String,
        createdBy: Int64?
    ) throws -> NewToken {
        let row = try session.fetchOne(
            """
            INSERT INTO token (name, role, lookupKey, secretHash, createdAt, createdBy)
            VALUES (\(name), \(role.rawValue), \(lookupKey), \(TokenSecret.hash(secret)), \(createdAt), \(createdBy))
            RETURNING \(columns)
            """)
        guard let row else { throw StorageError.conflict("token \(name) was not stored") }
        return NewToken(info: try info(row), secret: secret)
    }

    private static func info(_ row: SQLRow) throws -> TokenInfo {
        TokenInfo(
            id: try row.decode("id"), name: try row.decode("name"),
            role: Role(rawValue: try row.decode("role", as: String.self)) ?? .read, createdAt: try row.decode("createdAt"),
            revokedAt: try row.decode("revokedAt"))
    }
}
