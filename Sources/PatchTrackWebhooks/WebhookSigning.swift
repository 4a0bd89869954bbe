import Crypto
import Foundation

/// The Standard Webhooks signing scheme (https://www.standardwebhooks.com): a secret `whsec_<base64 key>`, and
/// per delivery the headers `webhook-id` (the event id, the same on every retry), `webhook-timestamp` (Unix
/// seconds of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
public enum WebhookSigning {
    /// A new secret: `whsec_` and the base64 of 32 random bytes.
    public static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        return "whsec_" + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Whether `secret` is a usable secret: `whsec_` and base64 of 24 to 64 bytes.
    public static func isValidSecret(_ secret: String) -> Bool {
        key(secret).map { (24...64).contains($0.bitCount / 8) } ?? false
    }

    static func key(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))) else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` value for `body` sent as event `id` at `timestamp`.
    public static func signature(secret: String, id: String, timestamp: Int, body: Data) -> String? {
        guard let key = key(secret) else { return nil }
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether `header` (space-separated signatures) holds a valid `v1` signature of `body`: what a receiver checks.
    public static func verify(secret: String, id: String, timestamp: Int, body: Data, header: String) -> Bool {
        guard let expected = signature(secret: secret, id: id, timestamp: timestamp, body: body) else { return false }
        return header.split(separator: " ").contains { $0 == expected }
    }
}
