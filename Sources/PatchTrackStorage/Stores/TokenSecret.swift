import Crypto
import Foundation
import GRDB
import PatchTrackCore

/// An API token as listed: never its secret.
public struct TokenInfo: Sendable, Equatable {
    /// The token's id.
    public var id: Int64
    /// A human name ("ci-main", "grafana").
    public var name: String
    /// What the token may do.
    public var role: Role
    /// When it was created (RFC 3339).
    public var createdAt: String
    /// When it was revoked (RFC 3339), if it was.
    public var revokedAt: String?
}

/// A token just created: the only time its secret exists outside the client.
public struct NewToken: Sendable {
    /// The stored token.
    public var info: TokenInfo
    /// The bearer secret, `pt_<lookup key>_<secret>`.
    public var secret: String
}

extension AppDatabase {
    // MARK: - Use cases

    /// Creates a token with `role`, storing only the SHA-256 of its secret.
    public func createToken(name: String, role: Role, createdBy: Int64? = nil) throws -> NewToken {
        let lookupKey = TokenSecret.randomString(length: 12)
        let secret = "pt_\(lookupKey)_\(TokenSecret.randomString(length: 40))"
        var record = TokenRecord(
            id: nil, name: name, role: role.rawValue, lookupKey: lookupKey, secretHash: TokenSecret.hash(secret),
            createdAt: timestamp, createdBy: createdBy, revokedAt: nil)
        try writeNow(affectsFindings: false) { db in try record.insert(db) }
        return NewToken(info: record.info, secret: secret)
    }

    /// Creates an admin token named `name` when no usable admin token exists; returns it, or nil when one exists.
    public func createInitialAdminTokenIfNeeded(name: String = "initial-admin") throws -> NewToken? {
        let lookupKey = TokenSecret.randomString(length: 12)
        let secret = "pt_\(lookupKey)_\(TokenSecret.randomString(length: 40))"
        let now = timestamp
        return try writeNow(affectsFindings: false) { db -> NewToken? in
            let admins = try TokenRecord
                .filter(TokenRecord.Columns.role == Role.admin.rawValue && TokenRecord.Columns.revokedAt == nil)
                .fetchCount(db)
            guard admins == 0 else { return nil }
            var record = TokenRecord(
                id: nil, name: name, role: Role.admin.rawValue, lookupKey: lookupKey,
                secretHash: TokenSecret.hash(secret), createdAt: now, createdBy: nil, revokedAt: nil)
            try record.insert(db)
            return NewToken(info: record.info, secret: secret)
        }
    }

    /// Every token, newest first, without secrets.
    public func tokens() async throws -> [TokenInfo] {
        try await pool.read { db in
            try TokenRecord.order(TokenRecord.Columns.id.desc).fetchAll(db).map(\.info)
        }
    }

    /// Revokes token `id` at once. Revoking a revoked token changes nothing.
    public func revokeToken(id: Int64) async throws -> TokenInfo {
        let now = timestamp
        return try await write(affectsFindings: false) { db in
            guard var record = try TokenRecord.fetchOne(db, key: id) else { throw StorageError.notFound("token \(id)") }
            if record.revokedAt == nil {
                record.revokedAt = now
                try record.update(db)
            }
            return record.info
        }
    }

    /// The live (not revoked) token whose secret is `secret`, compared in constant time; nil otherwise.
    public func authenticate(secret: String) async throws -> TokenInfo? {
        guard let lookupKey = TokenSecret.lookupKey(of: secret) else { return nil }
        let record = try await pool.read { db in
            try TokenRecord.filter(TokenRecord.Columns.lookupKey == lookupKey).fetchOne(db)
        }
        guard let record, record.revokedAt == nil,
            TokenSecret.constantTimeEquals(record.secretHash, TokenSecret.hash(secret))
        else { return nil }
        return record.info
    }
}

extension TokenRecord {
    var info: TokenInfo {
        TokenInfo(id: id ?? 0, name: name, role: Role(rawValue: role) ?? .read, createdAt: createdAt, revokedAt: revokedAt)
    }
}

/// Token secrets: generation, hashing and comparison.
enum TokenSecret {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `length` characters drawn uniformly from [A-Za-z0-9] by the system's CSPRNG.
    static func randomString(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// SHA-256 of the whole secret.
    static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The lookup key of a well-formed secret `pt_<12>_<40>`.
    static func lookupKey(of secret: String) -> String? {
        let parts = secret.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "pt", parts[1].utf8.count == 12, parts[2].utf8.count == 40 else { return nil }
        return String(parts[1])
    }

    /// Compares two byte strings without an early exit.
    static func constantTimeEquals(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
