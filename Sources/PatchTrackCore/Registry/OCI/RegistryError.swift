/// Why reading a registry failed; each case is recorded in the watch's (or registry's) status as its description.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The registry could not be reached or the connection broke (name, connection, timeout).
    case unreachable(String)
    /// 401 or 403 after authenticating (or when no credentials were configured).
    case unauthorized(String)
    /// The tag, manifest or blob does not exist (404).
    case notFound(String)
    /// Another HTTP status.
    case status(Int, String)
    /// A manifest or blob larger than the limit.
    case tooLarge(String, limit: Int)
    /// A manifest media type PatchTrack cannot read (schema 1, an artifact, ...).
    case unsupportedMediaType(String)
    /// Content whose sha256 is not the digest it was asked by (or announced with).
    case digestMismatch(expected: String, actual: String)
    /// A document that does not parse.
    case malformed(String)
    /// A redirect PatchTrack does not follow.
    case redirected(String)

    public var description: String {
        switch self {
        case .unreachable(let message): "registry unreachable: \(message)"
        case .unauthorized(let message): "not authorised: \(message)"
        case .notFound(let message): "not found: \(message)"
        case .status(let code, let message): "HTTP \(code): \(message)"
        case .tooLarge(let what, let limit): "\(what) is larger than the limit of \(limit) bytes"
        case .unsupportedMediaType(let type): "unsupported media type \(type)"
        case .digestMismatch(let expected, let actual): "content digest mismatch: expected \(expected), got \(actual)"
        case .malformed(let message): message
        case .redirected(let message): "redirect not followed: \(message)"
        }
    }
}
