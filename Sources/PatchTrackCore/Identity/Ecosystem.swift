// The one table of package ecosystems: OSV ecosystem names (https://ossf.github.io/osv-schema/#defined-ecosystems,
// ossf/osv-schema ecosystems.json), purl types and namespaces (package-url/purl-spec types/*.json, plus the names
// syft writes), the short names of the differential oracle, each ecosystem's version scheme and which package name
// its advisories are keyed by. Nothing else in PatchTrack maps these names.
//
// Choices:
// - Debian, Ubuntu and Alpine advisories are keyed by source package (OSV: "the name of the source package"), so
//   only the source name is looked up. The RPM distributions say "source package" too, but their real records list
//   binary packages (AlmaLinux `avahi-libs`, Red Hat "binary or source RPM"), and Wolfi/Chainguard say "the name of
//   the package": both names are looked up there.
// - CentOS, Fedora and Oracle Linux have no OSV ecosystem; they are here for their rpm scheme and purl namespaces.
// - "Amazon Linux" is not in the OSV list; the name is kept so that a feed using it is understood.

/// A package ecosystem whose versions PatchTrack can compare, or an unsupported one named as it was written.
public enum Ecosystem: Hashable, Sendable {
    /// Debian (OSV `Debian:<release>`, purl `deb/debian`).
    case debian
    /// Ubuntu (OSV `Ubuntu:[Pro:]<YY.MM>[:LTS]`, purl `deb/ubuntu`).
    case ubuntu
    /// Alpine (OSV `Alpine:v<major.minor>`, purl `apk/alpine`, syft's older `alpine` type).
    case alpine
    /// Wolfi (OSV `Wolfi`, purl `apk/wolfi`).
    case wolfi
    /// Chainguard (OSV `Chainguard`, purl `apk/chainguard`).
    case chainguard
    /// AlmaLinux (OSV `AlmaLinux:<major>`, purl `rpm/almalinux`).
    case almaLinux
    /// Rocky Linux (OSV `Rocky Linux:<major>`, purl `rpm/rocky`).
    case rockyLinux
    /// Red Hat (OSV `Red Hat:<CPE>`, purl `rpm/redhat`).
    case redHat
    /// CentOS (no OSV ecosystem; purl `rpm/centos`).
    case centOS
    /// Fedora (no OSV ecosystem; purl `rpm/fedora`).
    case fedora
    /// Oracle Linux (no OSV ecosystem; purl `rpm/oracle`).
    case oracleLinux
    /// Amazon Linux (`Amazon Linux:<release>`, purl `rpm/amazon`).
    case amazonLinux
    /// SUSE (OSV `SUSE:<product name>`, purl `rpm/suse`).
    case suse
    /// openSUSE (OSV `openSUSE:<product name>`, purl `rpm/opensuse`).
    case openSUSE
    /// Photon OS (OSV `Photon OS:<release>`, purl `rpm/photon`).
    case photonOS
    /// Azure Linux, formerly CBL-Mariner (OSV `Azure Linux:<release>`).
    case azureLinux
    /// Mageia (OSV `Mageia:<release>`).
    case mageia
    /// openEuler (OSV `openEuler:<release>`).
    case openEuler
    /// npm (purl `npm`).
    case npm
    /// PyPI (purl `pypi`).
    case pypi
    /// Maven (purl `maven`; names `group:artifact`).
    case maven
    /// Go modules (OSV `Go`, purl `golang`; names are module paths).
    case go
    /// crates.io (purl `cargo`).
    case cratesIO
    /// RubyGems (purl `gem`).
    case rubyGems
    /// NuGet (purl `nuget`).
    case nuget
    /// Packagist (purl `composer`; names `vendor/name`).
    case packagist
    /// An ecosystem PatchTrack cannot match (an OSV name, purl type or short name not in the table): findings for it
    /// are "unmatchable", never guessed.
    case unsupported(String)

    /// Which package name an ecosystem's advisories are keyed by.
    public enum AdvisoryKey: Sendable, Hashable {
        /// The source package (deb `upstream`, apk origin, source rpm).
        case sourcePackage
        /// The binary package or the source package: both are looked up.
        case binaryOrSourcePackage
        /// The package name of a language ecosystem (normalised as the ecosystem defines).
        case packageName
    }

    /// How a distribution names its releases, for normalising OSV suffixes and purl `distro` qualifiers.
    enum ReleaseStyle: Sendable {
        /// No releases (rolling distributions and language ecosystems).
        case none
        /// The major version number: `12`, `9`, `2023`.
        case major
        /// Major and minor: Ubuntu `22.04`, Alpine `3.19`.
        case majorMinor
        /// SUSE: `15 SP5` and `15.5` are both `15.5`; `Tumbleweed` is `tumbleweed`.
        case suse
        /// Kept as written (openEuler `22.03-LTS-SP1`).
        case verbatim
    }

    /// One row of the table.
    struct Entry: Sendable {
        let ecosystem: Ecosystem
        /// The OSV name without release suffix, or nil when OSV has none.
        let osvName: String?
        /// The purl type.
        let purlType: String
        /// The purl namespaces (lowercase); empty for language ecosystems, whose namespace is part of the name.
        let purlNamespaces: [String]
        let scheme: VersionSchemeID
        let advisoryKey: AdvisoryKey
        let releaseStyle: ReleaseStyle
        /// Short names, lowercase, as the differential oracle and people write them.
        let shortNames: [String]
    }

    /// The table.
    static let table: [Entry] = [
        Entry(ecosystem: .debian, osvName: "Debian", purlType: "deb", purlNamespaces: ["debian"], scheme: .dpkg,
              advisoryKey: .sourcePackage, releaseStyle: .major, shortNames: ["debian", "deb", "dpkg", "apt"]),
        Entry(ecosystem: .ubuntu, osvName: "Ubuntu", purlType: "deb", purlNamespaces: ["ubuntu"], scheme: .dpkg,
              advisoryKey: .sourcePackage, releaseStyle: .majorMinor, shortNames: ["ubuntu"]),
        Entry(ecosystem: .alpine, osvName: "Alpine", purlType: "apk", purlNamespaces: ["alpine", "alpinelinux"],
              scheme: .apk, advisoryKey: .sourcePackage, releaseStyle: .majorMinor, shortNames: ["alpine", "apk"]),
        Entry(ecosystem: .wolfi, osvName: "Wolfi", purlType: "apk", purlNamespaces: ["wolfi"], scheme: .apk,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .none, shortNames: ["wolfi"]),
        Entry(ecosystem: .chainguard, osvName: "Chainguard", purlType: "apk", purlNamespaces: ["chainguard"],
              scheme: .apk, advisoryKey: .binaryOrSourcePackage, releaseStyle: .none, shortNames: ["chainguard"]),
        Entry(ecosystem: .almaLinux, osvName: "AlmaLinux", purlType: "rpm", purlNamespaces: ["almalinux", "alma"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .major,
              shortNames: ["almalinux", "alma"]),
        Entry(ecosystem: .rockyLinux, osvName: "Rocky Linux", purlType: "rpm", purlNamespaces: ["rocky", "rockylinux"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .major,
              shortNames: ["rocky", "rocky linux", "rockylinux"]),
        Entry(ecosystem: .redHat, osvName: "Red Hat", purlType: "rpm", purlNamespaces: ["redhat", "rhel"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .major,
              shortNames: ["redhat", "red hat", "rhel"]),
        Entry(ecosystem: .centOS, osvName: nil, purlType: "rpm", purlNamespaces: ["centos"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .major, shortNames: ["centos"]),
        Entry(ecosystem: .fedora, osvName: nil, purlType: "rpm", purlNamespaces: ["fedora"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .major, shortNames: ["fedora"]),
        Entry(ecosystem: .oracleLinux, osvName: nil, purlType: "rpm", purlNamespaces: ["oracle", "ol"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .major, shortNames: ["oracle", "ol"]),
        Entry(ecosystem: .amazonLinux, osvName: "Amazon Linux", purlType: "rpm", purlNamespaces: ["amazon", "amzn"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .major,
              shortNames: ["amazon", "amzn", "amazon linux"]),
        Entry(ecosystem: .suse, osvName: "SUSE", purlType: "rpm", purlNamespaces: ["suse", "sles", "sle"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .suse, shortNames: ["suse", "sles"]),
        Entry(ecosystem: .openSUSE, osvName: "openSUSE", purlType: "rpm", purlNamespaces: ["opensuse"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .suse, shortNames: ["opensuse"]),
        Entry(ecosystem: .photonOS, osvName: "Photon OS", purlType: "rpm", purlNamespaces: ["photon"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .major, shortNames: ["photon", "photon os"]),
        Entry(ecosystem: .azureLinux, osvName: "Azure Linux", purlType: "rpm",
              purlNamespaces: ["azurelinux", "mariner"], scheme: .rpm, advisoryKey: .binaryOrSourcePackage,
              releaseStyle: .major, shortNames: ["azurelinux", "azure linux", "mariner"]),
        Entry(ecosystem: .mageia, osvName: "Mageia", purlType: "rpm", purlNamespaces: ["mageia"], scheme: .rpm,
              advisoryKey: .binaryOrSourcePackage, releaseStyle: .major, shortNames: ["mageia"]),
        Entry(ecosystem: .openEuler, osvName: "openEuler", purlType: "rpm", purlNamespaces: ["openeuler"],
              scheme: .rpm, advisoryKey: .binaryOrSourcePackage, releaseStyle: .verbatim, shortNames: ["openeuler"]),
        Entry(ecosystem: .npm, osvName: "npm", purlType: "npm", purlNamespaces: [], scheme: .semver,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["npm", "node"]),
        Entry(ecosystem: .pypi, osvName: "PyPI", purlType: "pypi", purlNamespaces: [], scheme: .pep440,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["pypi", "pep440", "python", "pip"]),
        Entry(ecosystem: .maven, osvName: "Maven", purlType: "maven", purlNamespaces: [], scheme: .maven,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["maven", "java", "mvn"]),
        Entry(ecosystem: .go, osvName: "Go", purlType: "golang", purlNamespaces: [], scheme: .go,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["go", "golang"]),
        Entry(ecosystem: .cratesIO, osvName: "crates.io", purlType: "cargo", purlNamespaces: [], scheme: .cargo,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["cargo", "crates.io", "crates", "rust"]),
        Entry(ecosystem: .rubyGems, osvName: "RubyGems", purlType: "gem", purlNamespaces: [], scheme: .rubygems,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["rubygems", "gem", "ruby", "gems"]),
        Entry(ecosystem: .nuget, osvName: "NuGet", purlType: "nuget", purlNamespaces: [], scheme: .nuget,
              advisoryKey: .packageName, releaseStyle: .none, shortNames: ["nuget"]),
        Entry(ecosystem: .packagist, osvName: "Packagist", purlType: "composer", purlNamespaces: [],
              scheme: .composer, advisoryKey: .packageName, releaseStyle: .none,
              shortNames: ["packagist", "composer", "php"]),
    ]

    // MARK: - Lookups

    /// The ecosystem for a short name (`debian`, `rocky`, `crates.io`, ...; case-insensitive), or `.unsupported`.
    public init(shortName: String) {
        let key = shortName.lowercased()
        self = Self.table.first { $0.shortNames.contains(key) }?.ecosystem ?? .unsupported(shortName)
    }

    /// The table row, nil for `.unsupported`.
    var entry: Entry? {
        Self.table.first { $0.ecosystem == self }
    }

    /// The version scheme of the ecosystem, nil when unsupported.
    public var scheme: VersionSchemeID? { entry?.scheme }

    /// Which package name the ecosystem's advisories use, nil when unsupported.
    public var advisoryKey: AdvisoryKey? { entry?.advisoryKey }

    /// The OSV ecosystem name without suffix (`Debian`, `crates.io`), or the name an unsupported ecosystem had.
    public var osvName: String? {
        if case .unsupported(let name) = self { return name }
        return entry?.osvName
    }

    /// Whether PatchTrack can match packages of this ecosystem.
    public var isSupported: Bool { entry != nil }

    /// Normalises a package name as the ecosystem compares names: PEP 503 for PyPI (lowercase, runs of `-_.`
    /// become `-`), lowercase for NuGet (ids are case-insensitive) and the distributions' package names; other
    /// names as they are (Maven `group:artifact`, Go module paths, npm `@scope/name` are case-sensitive).
    public func normalizedPackageName(_ name: String) -> String {
        switch self {
        case .pypi:
            return Self.pep503(name)
        case .nuget:
            return name.lowercased()
        case .npm, .maven, .go, .cratesIO, .rubyGems, .packagist, .unsupported:
            return name
        default:
            // Distribution package names are lowercase by policy (Debian, Alpine) or in practice (RPM).
            return name.lowercased()
        }
    }

    /// PEP 503 name normalisation: `re.sub(r"[-_.]+", "-", name).lower()`.
    private static func pep503(_ name: String) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        var inSeparatorRun = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !inSeparatorRun { out.append("-") }
                inSeparatorRun = true
            } else {
                out.append(character)
                inSeparatorRun = false
            }
        }
        return out
    }
}

extension Ecosystem {
    /// The OSV ecosystem names PatchTrack can match, in the table's order: what the default OSV feed follows.
    public static var osvNames: [String] { table.compactMap(\.osvName) }
}
