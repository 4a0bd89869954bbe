/// The version schemes PatchTrack implements, as a value: picks the scheme type at run time.
///
/// `Ecosystem` says which scheme an ecosystem uses; this type turns a version string into an ``AnyVersion`` with that
/// scheme's own parser, so version values of different schemes are never compared with one another's rules.
public enum VersionSchemeID: String, Sendable, Hashable, CaseIterable {
    /// Debian and Ubuntu packages (``DpkgScheme``).
    case dpkg
    /// RPM packages (``RpmScheme``).
    case rpm
    /// Alpine, Wolfi and Chainguard packages (``ApkScheme``).
    case apk
    /// SemVer 2.0 as npm orders it, and OSV `SEMVER` ranges (``SemVerScheme`` flavour `.npm`).
    case semver
    /// SemVer as the Rust `semver` crate orders it, build metadata included (``SemVerScheme`` flavour `.cargo`).
    case cargo
    /// Go module versions, with the `v` prefix (purls) or without (OSV records) (``GoModuleScheme``).
    case go
    /// PEP 440 (``PEP440Scheme``).
    case pep440
    /// Maven `ComparableVersion` (``MavenScheme``).
    case maven
    /// RubyGems `Gem::Version` (``RubyGemsScheme``).
    case rubygems
    /// NuGet versions (``NuGetScheme``).
    case nuget
    /// Composer's normalised versions (``ComposerScheme``).
    case composer

    /// The scheme for a short name as the differential oracle spells it (`debian`, `rpm`, `semver`, `pypi`,
    /// `crates.io`, ...; case-insensitive), or nil when PatchTrack has no such scheme (`semver-loose`, `alpine-v3`).
    ///
    /// Scheme names are tried first, then the short names of the ecosystem table (`Ecosystem.table`).
    public init?(shortName: String) {
        let key = shortName.lowercased()
        if let scheme = Self.schemeNames[key] {
            self = scheme
        } else if let entry = Ecosystem.table.first(where: { $0.shortNames.contains(key) }) {
            self = entry.scheme
        } else {
            return nil
        }
    }

    /// Names of schemes that are not the name of one ecosystem.
    private static let schemeNames: [String: VersionSchemeID] = [
        "dpkg": .dpkg, "rpm": .rpm, "apk": .apk, "semver": .semver, "node": .semver, "cargo": .cargo, "go": .go,
        "pep440": .pep440, "maven": .maven, "rubygems": .rubygems, "nuget": .nuget, "composer": .composer,
    ]
}
