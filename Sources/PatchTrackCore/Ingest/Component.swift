/// A package found in an image, normalised for matching: canonical purl, ecosystem and distribution release,
/// names and version in the ecosystem's own form. Built from a ``ScanDocument/Package`` by ``ComponentNormalizer``.
public struct Component: Hashable, Sendable {
    /// The canonical package URL (purl-spec how-to-build: normalised components, sorted qualifiers).
    public var purl: PURL
    /// The ecosystem and, for distributions, the release (`Debian:12`, `Alpine:3.16`); from the purl `distro`
    /// qualifier, else from the document's operating system.
    public var release: EcosystemRelease
    /// The package name as the ecosystem compares names (binary package name for distributions, `group:artifact`
    /// for Maven, PEP 503 for PyPI).
    public var name: String
    /// The installed version in the form the ecosystem's scheme parses (rpm epoch included as `epoch:`).
    public var version: String
    /// The source package (deb source, rpm source rpm name, apk origin) when known; nil means "same as the name" for
    /// distributions whose tools omit it then.
    public var sourceName: String?
    /// The source package version when the document or purl states it.
    public var sourceVersion: String?
    /// The layer that introduced the package, when the document says.
    public var layer: ScanDocument.Layer?
    /// Where the package sits in the document (`components[3]`), for messages.
    public var documentPath: String
    /// The document's reference for the package (`bom-ref`, `SPDXID`, artifact id), for dependency links.
    public var documentRef: String?

    /// Creates a component from its parts.
    public init(
        purl: PURL, release: EcosystemRelease, name: String, version: String, sourceName: String? = nil,
        sourceVersion: String? = nil, layer: ScanDocument.Layer? = nil, documentPath: String,
        documentRef: String? = nil
    ) {
        self.purl = purl
        self.release = release
        self.name = name
        self.version = version
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.layer = layer
        self.documentPath = documentPath
        self.documentRef = documentRef
    }

    /// The ecosystem (`release.ecosystem`).
    public var ecosystem: Ecosystem { release.ecosystem }

    /// The matcher's view of the component.
    public var ecosystemPackage: EcosystemPackage {
        EcosystemPackage(release: release, name: name, sourceName: sourceName, version: version)
    }
}
