extension VersionSchemeID {
    /// Parses `string` with this scheme's parser.
    public func parse(_ string: String) throws(VersionError) -> AnyVersion {
        switch self {
        case .dpkg: .dpkg(try DpkgScheme().parse(string))
        case .rpm: .rpm(try RpmScheme().parse(string))
        case .apk: .apk(try ApkScheme().parse(string))
        case .semver: .semver(try SemVerScheme(flavor: .npm).parse(string))
        case .cargo: .semver(try SemVerScheme(flavor: .cargo).parse(string))
        // Deliberate deviation from x/mod (which rejects "1.2.3"): OSV `Go` records write "1.2.3", purls and go.mod
        // "v1.2.3", and matching compares one with the other, so the scheme ID reads both; "v1.2.3" == "1.2.3".
        // `GoModuleScheme()` itself stays exactly x/mod (the oracle finds differences only for prefix-less input).
        case .go: .go(try GoModuleScheme(requirePrefix: string.hasPrefix("v")).parse(string))
        case .pep440: .pep440(try PEP440Scheme().parse(string))
        case .maven: .maven(try MavenScheme().parse(string))
        case .rubygems: .rubygems(try RubyGemsScheme().parse(string))
        case .nuget: .nuget(try NuGetScheme().parse(string))
        case .composer: .composer(try ComposerScheme().parse(string))
        }
    }

    /// Compares two version strings of this scheme: -1, 0 or 1.
    public func compare(_ lhs: String, _ rhs: String) throws(VersionError) -> Int {
        let a = try parse(lhs)
        let b = try parse(rhs)
        return a < b ? -1 : (a == b ? 0 : 1)
    }
}
