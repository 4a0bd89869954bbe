import PatchTrackCore
import Testing

@Suite("ApkScheme")
struct ApkSchemeTests {
    let scheme = ApkScheme()

    @Test("orders every fixture pair as apk-tools 2.x does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "apk")
        #expect(fixture.comparisons.count > 14_000)
        #expect(fixture.skipped.count == 4)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version apk-tools 2.x rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "apk")
        #expect(fixture.invalid.count >= 30)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "apk").checkOrderingProperties(with: scheme)
    }

    @Test("sorts pre-release suffixes before the bare version and post-release suffixes after it")
    func suffixOrder() throws {
        // given
        let ordered = [
            "1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_pre", "1.0_rc1", "1.0", "1.0-r1", "1.0_cvs", "1.0_svn",
            "1.0_git20230101", "1.0_hg", "1.0_p1", "1.0_p2-r3", "1.0a", "1.0b", "1.0.1",
        ]
        // when
        let parsed = try ordered.reversed().map { version throws(VersionError) in try scheme.parse(version) }
        // then
        #expect(parsed.sorted().map(\.description) == ordered)
    }

    @Test("orders numbers after a dot by their leading zeros first, as apk-tools 2.x does")
    func leadingZeros() throws {
        #expect(try scheme.compare("1.01", "1.1") == -1)
        #expect(try scheme.compare("1.001", "1.01") == -1)
        #expect(try scheme.compare("1.0_p01", "1.0_p1") == 0)
        #expect(try scheme.compare("1.0-r01", "1.0-r1") == 0)
    }

    @Test("compares long digit runs without integers, and rejects 18 digits as apk-tools 2.x does")
    func digitRuns() throws {
        #expect(try scheme.compare("12345678901234567", "12345678901234566") == 1)
        #expect(throws: VersionError.self) { try scheme.parse("123456789012345678") }
    }

    @Test(
        "names the scheme and the input in its error",
        arguments: ["", "1.0~abc", "1.0_foo", "1.0A", "1.0-1", "1.0 ", "1.0\u{0}1", "1.0_p1a"])
    func rejects(version: String) {
        #expect(scheme.name == "apk")
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.scheme == "apk")
        #expect(error?.version == version)
    }
}
