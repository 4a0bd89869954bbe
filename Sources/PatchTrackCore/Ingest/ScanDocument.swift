/// One SBOM or scanner report as the tool wrote it, reduced to what PatchTrack uses.
///
/// Values are kept "as written": purls are raw strings, severities keep the tool's spelling, versions are not
/// parsed. Canonicalisation (purl parsing, ecosystems, distro releases) happens later in ``ComponentNormalizer``,
/// so the parsers stay simple and a normalisation change never needs the original bytes again.
public struct ScanDocument: Sendable, Equatable {
    /// The format the document was read as.
    public var format: ScanFormat
    /// The format's own version marker: CycloneDX `specVersion`, SPDX `spdxVersion`, Syft `schema.version`,
    /// Trivy `SchemaVersion`; `nil` when the document has none (Grype).
    public var specVersion: String?
    /// The tool that wrote the document.
    public var tool: Tool?
    /// The document's own name for its subject (SPDX `name`, Trivy `ArtifactName`, a scanned directory path).
    public var subjectName: String?
    /// The creation time exactly as written (formats differ in precision and offset).
    public var createdAt: String?
    /// The container image the document describes, when it describes one.
    public var image: Image?
    /// The operating system found in the image, when the document states it.
    public var operatingSystem: OperatingSystem?
    /// Whether ``packages`` is the full inventory or only what the scanner reported findings for.
    public var coverage: Coverage
    /// The packages found, in document order; entries without a usable identity are in ``skipped`` instead.
    public var packages: [Package]
    /// Findings the scanner itself reported (Trivy, Grype); empty for plain SBOMs.
    public var verdicts: [Verdict]
    /// Dependency links between packages by their document references (`bom-ref`, `SPDXID`, artifact id).
    public var dependencies: [Dependency]
    /// Entries that were left out, with the reason.
    public var skipped: [Skipped]

    /// Creates a document value; parsers fill it in field by field.
    public init(
        format: ScanFormat, specVersion: String? = nil, tool: Tool? = nil, subjectName: String? = nil,
        createdAt: String? = nil, image: Image? = nil, operatingSystem: OperatingSystem? = nil,
        coverage: Coverage = .inventory, packages: [Package] = [], verdicts: [Verdict] = [],
        dependencies: [Dependency] = [], skipped: [Skipped] = []
    ) {
        self.format = format
        self.specVersion = specVersion
        self.tool = tool
        self.subjectName = subjectName
        self.createdAt = createdAt
        self.image = image
        self.operatingSystem = operatingSystem
        self.coverage = coverage
        self.packages = packages
        self.verdicts = verdicts
        self.dependencies = dependencies
        self.skipped = skipped
    }

    // MARK: - Nested values

    /// How complete the package list is.
    public enum Coverage: String, Sendable, Equatable {
        /// Every package the tool catalogued (an SBOM, or a Trivy report with `Packages`).
        case inventory
        /// Only packages named by findings (a Grype report, a Trivy report without `--list-all-pkgs`).
        case findingsOnly = "findings-only"
    }

    /// The producing tool.
    public struct Tool: Sendable, Equatable {
        /// Tool name, e.g. "syft", "trivy", "grype".
        public var name: String
        /// Tool version as written, e.g. "0.101.1" or "dev".
        public var version: String?

        /// Creates a tool value.
        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }

    /// A filesystem layer, named by its uncompressed `diffID` and/or its compressed blob `digest`.
    ///
    /// Syft and Grype write the diff ID (they call it `layerID` or layer `digest`); Trivy writes both.
    public struct Layer: Sendable, Equatable, Hashable {
        /// The compressed blob digest from the manifest, when the document gives it.
        public var digest: String?
        /// The uncompressed content digest (`rootfs.diff_ids`), when the document gives it.
        public var diffID: String?

        /// Creates a layer reference; at least one digest should be non-nil.
        public init(digest: String? = nil, diffID: String? = nil) {
            self.digest = digest
            self.diffID = diffID
        }
    }

    /// What the document says about the scanned image.
    public struct Image: Sendable, Equatable {
        /// The reference as the user wrote it (`alpine:3.12`, a tarball path, a `name@digest`).
        public var reference: String?
        /// The manifest digest the document names for the image: Syft/Grype `manifestDigest`, the digest of a
        /// CycloneDX/SPDX image purl or digest-shaped version. Trivy JSON names none (see ``repoDigests``).
        public var digest: String?
        /// Repository digests (`repo@sha256:…`).
        public var repoDigests: [String]
        /// The image (config) id, `sha256:…`.
        public var imageID: String?
        /// Tags the image carried when scanned.
        public var tags: [String]
        /// Image config labels.
        public var labels: [String: String]
        /// Layers in order, bottom first.
        public var layers: [Layer]
        /// `os/architecture`, e.g. "linux/amd64", when stated.
        public var platform: String?

        /// Creates an image value.
        public init(
            reference: String? = nil, digest: String? = nil, repoDigests: [String] = [], imageID: String? = nil,
            tags: [String] = [], labels: [String: String] = [:], layers: [Layer] = [], platform: String? = nil
        ) {
            self.reference = reference
            self.digest = digest
            self.repoDigests = repoDigests
            self.imageID = imageID
            self.tags = tags
            self.labels = labels
            self.layers = layers
            self.platform = platform
        }

        /// The OCI `org.opencontainers.image.base.name` label: the base image reference.
        public var baseName: String? { labels["org.opencontainers.image.base.name"] }
        /// The OCI `org.opencontainers.image.base.digest` label: the base image manifest digest.
        public var baseDigest: String? { labels["org.opencontainers.image.base.digest"] }
    }

    /// The operating system of the image as the tool identified it.
    public struct OperatingSystem: Sendable, Equatable {
        /// The os-release style id as written: "debian", "alpine", "centos", "redhat", "ubuntu".
        public var id: String
        /// The version id as written: "10.1", "3.16.2", "7.6.1810".
        public var versionID: String?
        /// A display name when the document has one ("Alpine Linux v3.16").
        public var prettyName: String?

        /// Creates an operating-system value.
        public init(id: String, versionID: String? = nil, prettyName: String? = nil) {
            self.id = id
            self.versionID = versionID
            self.prettyName = prettyName
        }
    }

    /// One package entry as written.
    public struct Package: Sendable, Equatable {
        /// Where it sits in the document, e.g. `components[3]` or `Results[0].Packages[7]`.
        public var path: String
        /// The document's handle for links: `bom-ref`, `SPDXID`, syft artifact id, Trivy package ID.
        public var ref: String?
        /// The package URL exactly as written, if any.
        public var purl: String?
        /// The package name as written.
        public var name: String
        /// The installed version as written (Trivy's epoch/version/release joined like Trivy prints them).
        public var version: String?
        /// The tool's own package type ("apk", "deb", "rpm", "go-module", "python", "debian", "npm"...).
        public var type: String?
        /// The source package name when the document says (deb source, source rpm name, apk origin).
        public var sourceName: String?
        /// The source package version when the document says.
        public var sourceVersion: String?
        /// The layer that introduced the package, when stated.
        public var layer: Layer?

        /// Creates a package entry.
        public init(
            path: String, ref: String? = nil, purl: String? = nil, name: String, version: String? = nil,
            type: String? = nil, sourceName: String? = nil, sourceVersion: String? = nil, layer: Layer? = nil
        ) {
            self.path = path
            self.ref = ref
            self.purl = purl
            self.name = name
            self.version = version
            self.type = type
            self.sourceName = sourceName
            self.sourceVersion = sourceVersion
            self.layer = layer
        }
    }

    /// A finding the scanner reported: this advisory applies to this package.
    public struct Verdict: Sendable, Equatable {
        /// Where it sits in the document, e.g. `matches[12]` or `Results[0].Vulnerabilities[3]`.
        public var path: String
        /// The advisory id as written (CVE, GHSA, DSA, ALSA...).
        public var advisoryID: String
        /// Other ids the scanner related to it (Grype `relatedVulnerabilities`).
        public var relatedAdvisoryIDs: [String]
        /// The affected package's document reference (Trivy `PkgID`, Grype artifact `id`), matching ``Package/ref``.
        public var packageRef: String?
        /// The affected package's purl as written, if any.
        public var packagePURL: String?
        /// The affected package's name.
        public var packageName: String
        /// The installed version as the scanner wrote it.
        public var installedVersion: String?
        /// Versions that fix it; empty when the scanner knows none.
        public var fixedVersions: [String]
        /// The scanner's fix state as written ("fixed", "affected", "will_not_fix", "not-fixed", "wont-fix").
        public var fixState: String?
        /// Severity exactly as written ("MEDIUM", "Negligible", "Unknown").
        public var severity: String?
        /// Where the scanner got it: Trivy `DataSource.ID`, Grype `namespace` or `dataSource`.
        public var dataSource: String?
        /// The layer of the affected package, when stated.
        public var layer: Layer?

        /// Creates a verdict.
        public init(
            path: String, advisoryID: String, relatedAdvisoryIDs: [String] = [], packageRef: String? = nil,
            packagePURL: String? = nil, packageName: String, installedVersion: String? = nil,
            fixedVersions: [String] = [], fixState: String? = nil, severity: String? = nil, dataSource: String? = nil,
            layer: Layer? = nil
        ) {
            self.path = path
            self.advisoryID = advisoryID
            self.relatedAdvisoryIDs = relatedAdvisoryIDs
            self.packageRef = packageRef
            self.packagePURL = packagePURL
            self.packageName = packageName
            self.installedVersion = installedVersion
            self.fixedVersions = fixedVersions
            self.fixState = fixState
            self.severity = severity
            self.dataSource = dataSource
            self.layer = layer
        }
    }

    /// `dependent` depends on `dependency`; both are document references (see ``Package/ref``).
    public struct Dependency: Sendable, Equatable, Hashable {
        /// The reference of the package that depends.
        public var dependent: String
        /// The reference of the package depended on.
        public var dependency: String

        /// Creates a dependency link.
        public init(dependent: String, dependency: String) {
            self.dependent = dependent
            self.dependency = dependency
        }
    }

    /// An entry left out of the result.
    public struct Skipped: Sendable, Equatable {
        /// Where it sits in the document.
        public var path: String
        /// The entry's reference or name, if it had one.
        public var reference: String?
        /// Why it was left out.
        public var reason: String

        /// Creates a skipped entry.
        public init(path: String, reference: String? = nil, reason: String) {
            self.path = path
            self.reference = reference
            self.reason = reason
        }
    }
}
