import Testing

import PatchTrackCore

@Suite struct VersionSchemeIDTests {
    @Test(arguments: [
        (VersionSchemeID.dpkg, "1.0~rc1-1", "1.0-1", -1),
        (.dpkg, "1:0.9", "2.0", 1),
        (.rpm, "1:1.0-1", "2.0-1", 1),
        (.rpm, "1.0^git1-1", "1.0-1", 1),
        (.apk, "1.2.3-r1", "1.2.3-r10", -1),
        (.semver, "1.0.0-alpha", "1.0.0", -1),
        (.semver, "1.0.0+a", "1.0.0+b", 0),
        (.cargo, "1.0.0+a", "1.0.0+b", -1),
        (.go, "v1.2.3", "1.2.3", 0),
        (.go, "v0.0.0-20220906165146-f3363e06e74c", "v0.0.1", -1),
        (.pep440, "1.0", "1.0.0", 0),
        (.pep440, "1.0.dev1", "1.0a1", -1),
        (.maven, "1.0-SNAPSHOT", "1.0", -1),
        (.maven, "1.0", "1.0.0", 0),
        (.rubygems, "1.0.a", "1.0", -1),
        (.nuget, "1.0.0-beta", "1.0.0", -1),
        (.nuget, "1.0.0-Beta", "1.0.0-beta", 0),
        (.composer, "1.0", "1.0.0", 0),
    ] as [(VersionSchemeID, String, String, Int)])
    func dispatchesToTheSchemeOfEachEcosystem(_ scheme: VersionSchemeID, _ a: String, _ b: String, _ expected: Int)
        throws
    {
        #expect(try scheme.compare(a, b) == expected)
        #expect(try scheme.compare(b, a) == -expected)
    }

    @Test func eachSchemeRejectsWhatItsEcosystemRejects() {
        #expect(throws: VersionError.self) { try VersionSchemeID.semver.parse("1.0") }
        #expect(throws: VersionError.self) { try VersionSchemeID.dpkg.parse("abc") }
        #expect(throws: VersionError.self) { try VersionSchemeID.go.parse("vv1.0.0") }
        #expect(throws: VersionError.self) { try VersionSchemeID.pep440.parse("0.1-bulbasaur") }
    }

    @Test func versionsOfDifferentSchemesHaveATotalOrder() throws {
        let a = try VersionSchemeID.dpkg.parse("1.0")
        let b = try VersionSchemeID.rpm.parse("1.0")
        #expect(a != b)
        #expect((a < b) != (b < a))
        #expect(a.description == "1.0")
    }
}
