/// A parsed version of any scheme, as ``VersionSchemeID/parse(_:)`` returns it.
///
/// Versions of one scheme compare by that scheme's rules. Versions of different schemes never describe the same
/// package, so their order only has to be total: it is the order of the schemes' cases, then nothing else.
public enum AnyVersion: Comparable, Sendable, CustomStringConvertible {
    /// A Debian version.
    case dpkg(DpkgVersion)
    /// An RPM version.
    case rpm(RpmVersion)
    /// An apk version.
    case apk(ApkVersion)
    /// A semantic version (npm or cargo flavour).
    case semver(SemanticVersion)
    /// A Go module version.
    case go(GoModuleVersion)
    /// A PEP 440 version.
    case pep440(PEP440Version)
    /// A Maven version.
    case maven(MavenVersion)
    /// A RubyGems version.
    case rubygems(RubyGemsVersion)
    /// A NuGet version.
    case nuget(NuGetVersion)
    /// A Composer version.
    case composer(ComposerVersion)

    public static func < (lhs: AnyVersion, rhs: AnyVersion) -> Bool {
        switch (lhs, rhs) {
        case (.dpkg(let a), .dpkg(let b)): a < b
        case (.rpm(let a), .rpm(let b)): a < b
        case (.apk(let a), .apk(let b)): a < b
        case (.semver(let a), .semver(let b)): a < b
        case (.go(let a), .go(let b)): a < b
        case (.pep440(let a), .pep440(let b)): a < b
        case (.maven(let a), .maven(let b)): a < b
        case (.rubygems(let a), .rubygems(let b)): a < b
        case (.nuget(let a), .nuget(let b)): a < b
        case (.composer(let a), .composer(let b)): a < b
        default: lhs.caseOrder < rhs.caseOrder
        }
    }

    public static func == (lhs: AnyVersion, rhs: AnyVersion) -> Bool {
        switch (lhs, rhs) {
        case (.dpkg(let a), .dpkg(let b)): a == b
        case (.rpm(let a), .rpm(let b)): a == b
        case (.apk(let a), .apk(let b)): a == b
        case (.semver(let a), .semver(let b)): a == b
        case (.go(let a), .go(let b)): a == b
        case (.pep440(let a), .pep440(let b)): a == b
        case (.maven(let a), .maven(let b)): a == b
        case (.rubygems(let a), .rubygems(let b)): a == b
        case (.nuget(let a), .nuget(let b)): a == b
        case (.composer(let a), .composer(let b)): a == b
        default: false
        }
    }

    /// The version as its scheme prints it.
    public var description: String {
        switch self {
        case .dpkg(let v): v.description
        case .rpm(let v): v.description
        case .apk(let v): v.description
        case .semver(let v): v.description
        case .go(let v): v.description
        case .pep440(let v): v.description
        case .maven(let v): v.description
        case .rubygems(let v): v.description
        case .nuget(let v): v.description
        case .composer(let v): v.description
        }
    }

    private var caseOrder: Int {
        switch self {
        case .dpkg: 0
        case .rpm: 1
        case .apk: 2
        case .semver: 3
        case .go: 4
        case .pep440: 5
        case .maven: 6
        case .rubygems: 7
        case .nuget: 8
        case .composer: 9
        }
    }
}
