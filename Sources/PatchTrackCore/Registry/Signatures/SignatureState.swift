import Foundation

/// What PatchTrack knows of an image's signature.
public enum SignatureState: String, Sendable, Codable, CaseIterable {
    /// A signature over this image verifies with a trusted key.
    case verified
    /// Signatures exist and none verifies: a wrong key, a tampered payload, a payload for another image, or a
    /// malformed one.
    case invalid
    /// No signature was found.
    case unsigned
    /// Only signatures PatchTrack cannot verify: keyless (a Fulcio certificate; no Rekor or Fulcio here).
    case unsupported
    /// Not checked yet, or signed while the policy names no trusted key.
    case unchecked
}

/// A public key the policy trusts to sign images (`trusted_keys`).
public struct TrustedKey: Sendable, Equatable, Hashable, Codable {
    public var name: String
    /// An ECDSA P-256 public key, PEM (`-----BEGIN PUBLIC KEY-----`), as `cosign generate-key-pair` writes it.
    public var publicKeyPEM: String

    public init(name: String, publicKeyPEM: String) {
        self.name = name
        self.publicKeyPEM = publicKeyPEM
    }

    enum CodingKeys: String, CodingKey {
        case name
        case publicKeyPEM = "public_key_pem"
    }
}

/// The outcome of a signature check.
public struct SignatureCheck: Sendable, Equatable {
    public var state: SignatureState
    /// The trusted key that verified it.
    public var key: String?
    /// Why it is invalid or unsupported (the first reason found).
    public var detail: String?

    public init(state: SignatureState, key: String? = nil, detail: String? = nil) {
        self.state = state
        self.key = key
        self.detail = detail
    }
}
