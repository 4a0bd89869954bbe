/// An OCI content digest, restricted to the `sha256` algorithm: `sha256:` followed by 64 lowercase hex digits.
///
/// See the OCI image spec, "Digests" (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests):
/// the sha256 encoded part must match `[a-f0-9]{64}`.
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The full digest string, e.g. `sha256:4b8b...`.
    public let value: String

    /// Parses and validates `string`.
    public init(parsing string: String) throws(IdentityError) {
        let bytes = string.utf8
        guard bytes.count == 71, bytes.starts(with: "sha256:".utf8) else {
            throw IdentityError(kind: .digest, input: string, reason: "a digest is 'sha256:' followed by 64 lowercase hex digits")
        }
        for byte in bytes.dropFirst(7) {
            let isHex = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            if !isHex {
                throw IdentityError(kind: .digest, input: string, reason: "a digest is 'sha256:' followed by 64 lowercase hex digits")
            }
        }
        self.value = string
    }

    /// The 64 hex digits without the algorithm.
    public var hex: Substring { value.dropFirst(7) }

    public var description: String { value }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.value < rhs.value }

    /// Hashes the first 16 hex digits only: a sha256 digest's hex is uniformly distributed, so those 64 bits spread
    /// keys as well as all 256 do, for a quarter of the hashing (plans keep several dictionaries of 10,000+ digests).
    /// Equality still compares the whole digest.
    public func hash(into hasher: inout Hasher) {
        var text = value
        text.withUTF8 { bytes in hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[7..<23]))) }
    }
}

/// An identifier (digest, image reference, repository name, package URL) that does not follow its grammar.
public struct IdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of identifier was rejected.
    public enum Kind: String, Sendable {
        case digest, reference, repository, tag
    }

    /// What kind of identifier was rejected.
    public var kind: Kind
    /// The rejected input.
    public var input: String
    /// Why it was rejected.
    public var reason: String

    /// Creates an error.
    public init(kind: Kind, input: String, reason: String) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    /// The input is quoted up to 200 characters: a hostile megabyte is not echoed back.
    public var description: String {
        let shown = input.count > 200 ? input.prefix(200) + "…" : Substring(input)
        return "invalid \(kind.rawValue) \"\(shown)\": \(reason)"
    }
}
