/// A maximum length for one kind of identifier, in Unicode scalars (what JSON Schema's `maxLength` counts). The
/// limits live here, in one place (documented as `maxLength` or in the route descriptions of openapi.yaml); parsers
/// check through ``check(_:field:)`` or ``violation(_:)`` rather than restating a number.
public struct IdentifierLimit: Sendable, Equatable {
    /// Longest accepted value.
    public let maxLength: Int

    /// Package URLs (`purl`, VEX product ids that are purls).
    public static let purl = IdentifierLimit(maxLength: 2048)
    /// Package names, component names, source package names.
    public static let packageName = IdentifierLimit(maxLength: 512)
    /// Package and tool versions, distro releases.
    public static let version = IdentifierLimit(maxLength: 256)
    /// Advisory ids and aliases (OSV, CVE, GHSA, DSA), VEX document ids, build ids.
    public static let identifier = IdentifierLimit(maxLength: 256)
    /// Image references (`registry/repository:tag@sha256:…`) and base references.
    public static let imageReference = IdentifierLimit(maxLength: 1024)
    /// Repository names; RepositoryName also keeps docker's 255-character rule, which is stricter.
    public static let repository = IdentifierLimit(maxLength: 512)
    /// Tags (docker allows 128 characters).
    public static let tag = IdentifierLimit(maxLength: 128)
    /// Environment, workload, namespace, container and token names.
    public static let name = IdentifierLimit(maxLength: 253)
    /// Tool names (the scanner or SBOM generator).
    public static let toolName = IdentifierLimit(maxLength: 256)

    /// Why `value` is too long for `field`, or nil when it fits.
    public func violation(_ value: String) -> String? {
        // UTF-8 length bounds the scalar count from above: most values are accepted without counting scalars.
        guard value.utf8.count > maxLength, value.unicodeScalars.count > maxLength else { return nil }
        return "is longer than \(maxLength) characters"
    }

    /// Throws an ``IngestError`` (422, naming `field`) when `value` is too long.
    public func check(_ value: String?, field: String) throws(IngestError) {
        guard let value, let message = violation(value) else { return }
        throw IngestError.invalidDocument(message, path: field)
    }
}
