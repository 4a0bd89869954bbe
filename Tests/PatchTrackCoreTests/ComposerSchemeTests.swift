import PatchTrackCore
import Testing

@Suite("ComposerScheme")
struct ComposerSchemeTests {
    let scheme = ComposerScheme()

    @Test("orders every fixture pair as composer/semver does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "composer")
        #expect(fixture.comparisons.count > 100)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version VersionParser::normalize rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "composer")
        #expect(fixture.invalid.count >= 10)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "composer").checkOrderingProperties(with: scheme)
    }

    @Test(
        "normalises as VersionParser::normalize does",
        arguments: [
            ("1.2", "1.2.0.0"), ("v1.0.0", "1.0.0.0"), ("1.0RC1", "1.0.0.0-RC1"), ("1.0-b.2.1", "1.0.0.0-beta2.1"),
            ("1.0pl1", "1.0.0.0-patch1"), ("1.0-stable", "1.0.0.0"), ("1.0-STABLE", "1.0.0.0-stable"),
            ("1.0-beta1-dev", "1.0.0.0-beta1-dev"), ("1.0@dev", "1.0.0.0"), ("1.0 as 2.0", "1.0.0.0"),
            ("1.0+build.5", "1.0.0.0"), ("2023-01-02", "2023.01.02"), ("2023:01:02-rc1", "2023.01.02-RC1"),
            ("1.x-dev", "1.9999999.9999999.9999999-dev"), ("v2.1.*-dev", "2.1.9999999.9999999-dev"),
            ("master", "dev-master"), ("Dev-Feature/X", "dev-Feature/X"), ("1.0.0.0\n@dev", "1.0.0.0"),
            ("dev-foo\n@dev", "dev-foo\n"), ("1.x -dev", "1.9999999.9999999.9999999-dev"),
        ])
    func normalization(input: String, normalized: String) throws {
        #expect(try scheme.parse(input).normalized == normalized)
    }

    @Test("sorts dev branches below every numbered version, and distinct branches by name")
    func devBranches() throws {
        // given
        let master = try scheme.parse("dev-master")
        let feature = try scheme.parse("dev-feature")
        let oldest = try scheme.parse("0.0.0.0-dev")
        // then
        #expect(master.isBranch && feature.isBranch && !oldest.isBranch)
        #expect(master < oldest && feature < oldest)
        #expect(feature < master)
        #expect(master == (try scheme.parse("master")))
        #expect(master != feature)
    }

    @Test("saturates numbers at 2^63-1 as PHP's strtol does, comparing the digits as strings")
    func saturatedNumbers() throws {
        #expect(try scheme.compare("1.9223372036854775807", "1.99999999999999999999999") == 0)
        #expect(try scheme.compare("1.9223372036854775806", "1.9223372036854775807") < 0)
        #expect(try scheme.compare("1.00000000000000000000001", "1.1") == 0)
    }

    @Test(
        "rejects surrounding blanks, which normalize would trim",
        arguments: [" 1.0", "1.0 ", "\t1.0", "1.0\n", "1.0\0"])
    func rejectsBlanks(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.version == version)
    }

    @Test("names the scheme and the input in its error, and keeps the input as its description")
    func errorAndDescription() throws {
        #expect(scheme.name == "composer")
        let error = #expect(throws: VersionError.self) { try scheme.parse("1.0-foo") }
        #expect(error?.scheme == "composer")
        #expect(error?.version == "1.0-foo")
        #expect(try scheme.parse("v1.0RC1").description == "v1.0RC1")
    }
}
