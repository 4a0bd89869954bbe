import PatchTrackCore
import Testing

@Suite("NuGetScheme")
struct NuGetSchemeTests {
    let scheme = NuGetScheme()

    @Test("orders every fixture pair as NuGet.Versioning does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "nuget")
        #expect(fixture.comparisons.count > 100)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version NuGetVersion.TryParse rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "nuget")
        #expect(fixture.invalid.count >= 50)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "nuget").checkOrderingProperties(with: scheme)
    }

    // Upstream: NuGet.Client NuGetVersionTest.ParseIgnoresLeadingAndTrailingWhitespace and SemVerEqualsOperatorWorks.
    @Test(
        "trims surrounding white space and allows it around the numbers",
        arguments: [
            ("  1.022-Beta", "1.22.0.0-Beta"), ("23.2.3-Alpha  ", "23.2.3.0-Alpha"),
            ("    1.3.42.10133-PreRelease  ", "1.3.42.10133-PreRelease"), ("22.3.07     ", "22.3.07"),
            ("1 .2", "1.2"), ("1. 2", "1.2"), ("\u{00A0}1.0\u{3000}", "1.0"),
        ])
    func whitespace(input: String, equivalent: String) throws {
        #expect(try scheme.compare(input, equivalent) == 0)
    }

    // Upstream: NuGet.Client NuGetVersionTest.ParseThrowsIfStringIsNotAValidSemVer (the rows with blanks).
    @Test(
        "rejects blanks inside a number, before a dot that ends the input, and inside labels",
        arguments: [
            "         ", "1.34.2Release Candidate", "1.2.3.4This version is full of awesomeness!!", "1     1.1.1.1",
            "1.1     1.1.1", "1.1.1     1.1", "1.1.1.1     1", " .1.1.1", "1. .1.1", "1.1. .1", "1.1.1. ", "1 .",
            "1.1 .", "1.1.1 .", "1.1.1.1 .", "   1 9", "   19.   1 9", "   19.   19.   1 9", "   19.   19.   19.   1 9",
            "1 9   ", "19   .1 9   ", "19   .19   .1 9   ", "19   .19   .19   .1 9   ", "   1 9   ",
            "   19   .   1 9   ", "   19   .   19   .   1 9   ", "   19   .   19   .   19   .   1 9   ",
            "1.0.0-beta 1", "1.0.0+meta data", "",
        ])
    func rejectsBlanks(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.version == version)
    }

    @Test("compares numeric labels as Int32 numbers before other labels, and others case-insensitively")
    func releaseLabels() throws {
        #expect(try scheme.compare("1.0.0-2", "1.0.0-10") < 0)
        #expect(try scheme.compare("1.0.0-2147483647", "1.0.0-a") < 0)
        // Beyond Int32 a label is not numeric for int.TryParse: it compares as text, after every number.
        #expect(try scheme.compare("1.0.0-2147483648", "1.0.0-9") > 0)
        #expect(try scheme.compare("1.0.0--1", "1.0.0-0") < 0)
        #expect(try scheme.compare("1.0.0--0", "1.0.0-0") == 0)
        #expect(try scheme.compare("1.0.0-ALPHA.b", "1.0.0-alpha.B") == 0)
        #expect(try scheme.compare("1.0.0-alpha", "1.0.0-alpha.1") < 0)
        #expect(try scheme.parse("1.0.0-rc.1").isPrerelease)
        #expect(try !scheme.parse("1.0.0+rc.1").isPrerelease)
    }

    @Test("treats missing sections as zero and bounds each at Int32.max")
    func numericSections() throws {
        #expect(try scheme.compare("1", "1.0.0.0") == 0)
        #expect(try scheme.compare("2147483647.2147483647.2147483647.2147483647", "2147483647.2147483647.2147483647") > 0)
        #expect(try scheme.compare("00000000002147483647", "2147483647") == 0)
        #expect(throws: VersionError.self) { try scheme.parse("2147483648") }
        #expect(throws: VersionError.self) { try scheme.parse("+1.0") }
    }

    @Test("names the scheme and the input in its error, and keeps the input as its description")
    func errorAndDescription() throws {
        #expect(scheme.name == "nuget")
        let error = #expect(throws: VersionError.self) { try scheme.parse("1.0.0-01") }
        #expect(error?.scheme == "nuget")
        #expect(error?.version == "1.0.0-01")
        #expect(try scheme.parse(" 1.0-Beta ").description == " 1.0-Beta ")
    }
}
