/// A package URL that cannot be parsed or built, with the rule of the purl specification it breaks.
public enum PURLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The string does not start with the `pkg:` scheme.
    case missingScheme
    /// The type is missing, or has a character outside `[A-Za-z0-9.-]`, or does not start with a letter.
    case invalidType(String)
    /// The name is missing or empty.
    case missingName
    /// The type requires a namespace and none was given.
    case namespaceRequired(type: String)
    /// The type has no namespace and one was given.
    case namespaceProhibited(type: String)
    /// A component breaks a type-specific rule (for example a cpan name containing `::`).
    case invalidName(String)
    /// A qualifier key is not `[a-z][a-z0-9._-]*`, or a pair has no `=`.
    case invalidQualifier(String)
    /// The same qualifier key appears twice.
    case duplicateQualifier(String)
    /// A `%` is not followed by two hexadecimal digits, or the decoded bytes are not UTF-8.
    case invalidPercentEncoding(String)
    /// A namespace or subpath segment contains a `/` once decoded.
    case invalidSegment(String)
    /// The purl is longer than ``IdentifierLimit/purl`` allows (the limit).
    case tooLong(Int)

    public var description: String {
        switch self {
        case .missingScheme: "purl must start with \"pkg:\""
        case .invalidType(let type): "invalid purl type \"\(type.prefix(200))\""
        case .missingName: "purl name is required"
        case .namespaceRequired(let type): "purl type \"\(type)\" requires a namespace"
        case .namespaceProhibited(let type): "purl type \"\(type)\" does not allow a namespace"
        case .invalidName(let reason): "invalid purl name: \(reason.prefix(300))"
        case .invalidQualifier(let key): "invalid purl qualifier \"\(key)\""
        case .duplicateQualifier(let key): "duplicate purl qualifier \"\(key)\""
        case .invalidPercentEncoding(let text): "invalid percent-encoding in \"\(text.prefix(200))\""
        case .invalidSegment(let segment): "invalid purl segment \"\(segment.prefix(200))\""
        case .tooLong(let limit): "purl is longer than \(limit) characters"
        }
    }
}
