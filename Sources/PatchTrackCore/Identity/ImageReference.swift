/// A container image reference, parsed by the grammar of the distribution project and normalised like docker does.
///
/// Grammar: https://github.com/distribution/reference/blob/main/reference.go (`reference := name [":" tag]
/// ["@" digest]`, domain and path components, tag `[\w][\w.-]{0,127}`, name at most 255 characters).
/// Normalisation (docker's `ParseNormalizedNamed`): a first path component that has no `.` or `:`, is not
/// `localhost` and has no uppercase letter is not a domain, so `docker.io` is prepended; `index.docker.io` becomes
/// `docker.io`; a one-component name on `docker.io` gains `library/`.
/// Deviation: only `sha256` digests are accepted (see ``Digest``): PatchTrack tracks images by sha256 manifest digest.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The normalised repository name, e.g. `docker.io/library/nginx` or `localhost:5000/team/app`.
    public let repository: RepositoryName
    /// The tag, when the reference has one.
    public let tag: String?
    /// The digest, when the reference has one.
    public let digest: Digest?

    /// Creates a reference from its parts.
    public init(repository: RepositoryName, tag: String? = nil, digest: Digest? = nil) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses and normalises `string`.
    public init(parsing string: String) throws(IdentityError) {
        var rest = Substring(string)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            do {
                digest = try Digest(parsing: String(rest[rest.index(after: at)...]))
            } catch {
                throw IdentityError(kind: .reference, input: string, reason: error.reason)
            }
            rest = rest[..<at]
        }
        var tag: String?
        // A tag follows the last ':' that comes after the last '/' (a ':' before it separates a registry port).
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            let candidate = String(rest[rest.index(after: colon)...])
            guard Self.isValidTag(candidate) else {
                throw IdentityError(kind: .reference, input: string, reason: "tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
            }
            tag = candidate
            rest = rest[..<colon]
        }
        do {
            self.repository = try RepositoryName(parsing: String(rest))
        } catch {
            throw IdentityError(kind: .reference, input: string, reason: error.reason)
        }
        self.tag = tag
        self.digest = digest
    }

    /// Whether `tag` is a valid tag: `[\w][\w.-]{0,127}`.
    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWordByte(first) else { return false }
        return bytes.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// The canonical string: `repository[:tag][@digest]`.
    public var description: String {
        var text = repository.value
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.value }
        return text
    }
}
