import PatchTrackCore
import Testing

@Suite("RubyGemsScheme")
struct RubyGemsSchemeTests {
    let scheme = RubyGemsScheme()

    @Test("orders every fixture pair as Gem::Version does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "rubygems")
        #expect(fixture.comparisons.count > 4_000)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version Gem::Version.correct? rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "rubygems")
        #expect(fixture.invalid.count >= 10)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "rubygems").checkOrderingProperties(with: scheme)
    }

    @Test("drops trailing zeros before and after the first letter separately, so == follows <=>")
    func canonicalSegments() throws {
        // given
        let short = try scheme.parse("1.0")
        let long = try scheme.parse("1.0.0.0")
        let letter = try scheme.parse("1.0.a.0")
        // then
        #expect(short == long)
        #expect(!(short < long) && !(long < short))
        #expect(letter == (try scheme.parse("1.a")))
        #expect(letter < short)
        #expect(try scheme.compare("1.a.0.1", "1.a.1") < 0)
    }

    @Test("reads a hyphen as .pre. and sorts letters below numbers, case-sensitively")
    func prereleaseSegments() throws {
        #expect(try scheme.compare("1.0-rc1", "1.0.pre.rc1") == 0)
        #expect(try scheme.compare("1.0.rc1", "1.0") < 0)
        #expect(try scheme.compare("1.0.B", "1.0.a") < 0)
        #expect(try scheme.parse("1.0-1").isPrerelease)
        #expect(try !scheme.parse("1.0.1").isPrerelease)
    }

    @Test("compares digit runs beyond 64 bits by value")
    func longDigitRuns() throws {
        #expect(try scheme.compare("18446744073709551616", "18446744073709551615") > 0)
        #expect(try scheme.compare("0018446744073709551616", "18446744073709551616.0") == 0)
        #expect(try scheme.compare("99999999999999999999999.1", "99999999999999999999999.01") == 0)
    }

    @Test(
        "rejects empty input and surrounding blanks, which correct? would strip",
        arguments: ["", " 1.0", "1.0 ", "\t1", "1\n", "1. 0"])
    func rejectsBlanks(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.version == version)
    }

    @Test("names the scheme and the input in its error, and keeps the input as its description")
    func errorAndDescription() throws {
        #expect(scheme.name == "rubygems")
        let error = #expect(throws: VersionError.self) { try scheme.parse("1beta") }
        #expect(error?.scheme == "rubygems")
        #expect(error?.version == "1beta")
        #expect(try scheme.parse("01.0-rc").description == "01.0-rc")
    }
}
