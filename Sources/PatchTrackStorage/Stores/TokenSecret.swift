import Crypto
import Foundation
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

/// Token secrets: generation, hashing and comparison.
enum TokenSecret {
    /// A new secret `pt_<lookup key>_<40 random characters>` and its lookup key.
    static func generate() -> (lookupKey: String, secret: String) {
        let lookupKey = randomString(length: 12)
        return (lookupKey, "pt_\(lookupKey)_\(randomString(length: 40))")
    }

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
