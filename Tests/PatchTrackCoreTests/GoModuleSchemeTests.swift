import PatchTrackCore
import Testing

@Suite("GoModuleScheme")
struct GoModuleSchemeTests {
    let scheme = GoModuleScheme()
    let osv = GoModuleScheme(requirePrefix: false)

    @Test("orders every fixture pair as golang.org/x/mod/semver does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "go")
        #expect(fixture.comparisons.count >= 300)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version that semver.IsValid rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "go")
        #expect(fixture.invalid.count >= 15)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "go").checkOrderingProperties(with: scheme)
    }

    @Test("reads v1 and v1.2 as shorthands and ignores +incompatible and other build metadata")
    func shorthandsAndBuild() throws {
        // given / when
        let short = try scheme.parse("v1")
        let incompatible = try scheme.parse("v2.0.0+incompatible")
        // then
        #expect(try short == scheme.parse("v1.0.0"))
        #expect(try scheme.parse("v1.2") == scheme.parse("v1.2.0"))
        #expect(try incompatible == scheme.parse("v2.0.0"))
        #expect(incompatible.isIncompatible)
        #expect(incompatible.build == "incompatible")
        #expect(short.build == nil)
        #expect(try scheme.compare("v1.2.3+a", "v1.2.3+b") == 0)
    }

    @Test("orders pseudo-versions as the pre-releases they are")
    func pseudoVersions() throws {
        // given
        let ascending = ["v0.0.0-20221231235959-ffffffffffff", "v0.0.0-20230101123456-abcdef123456", "v0.0.1",
                         "v1.2.3-pre", "v1.2.3-pre.0.20230101123456-abcdef123456", "v1.2.3",
                         "v1.2.4-0.20230101123456-abcdef123456", "v1.2.4"]
        // when
        let parsed = try ascending.map { s throws(VersionError) in try scheme.parse(s) }
        // then
        for (low, high) in zip(parsed, parsed.dropFirst()) {
            #expect(low < high, "\(low) < \(high)")
        }
    }

    @Test("adds the v to OSV Go versions before validating, and only then")
    func osvVersionsWithoutPrefix() throws {
        // given / when / then
        #expect(try osv.parse("1.2.3") == scheme.parse("v1.2.3"))
        #expect(try osv.compare("1.2.3", "1.10.0") == -1)
        #expect(try osv.parse("0.0.0-20230101123456-abcdef123456").description == "0.0.0-20230101123456-abcdef123456")
        #expect(throws: VersionError.self) { try osv.parse("v1.2.3") }
        #expect(throws: VersionError.self) { try scheme.parse("1.2.3") }
    }

    @Test("compares numbers of any length by their digits")
    func longNumbers() throws {
        #expect(try scheme.compare("v99999999999999999999.0.0", "v18446744073709551616.0.0") == 1)
        #expect(try scheme.compare("v1.2.3-99999999999999999999", "v1.2.3-100000000000000000000") == -1)
    }

    @Test(
        "rejects what semver.IsValid rejects",
        arguments: ["", "v", "1.2.3", "V1.2.3", "v1.", "v1.2.", "v01.0.0", "v1.02.0", "v1.2.3-01", "v1-pre",
                    "v1.2+meta", "v1.2.3-", "v1.2.3+", "v1.2.3.4", "v1.2.3-a..b", "v1.2.3-é", " v1.2.3"])
    func rejectsMalformed(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.scheme == "go")
        #expect(error?.version == version)
    }
}
