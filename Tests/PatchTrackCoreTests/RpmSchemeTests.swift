import PatchTrackCore
import Testing

@Suite("RpmScheme")
struct RpmSchemeTests {
    let scheme = RpmScheme()

    @Test("orders every fixture pair as rpm.labelCompare does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "rpm")
        #expect(fixture.comparisons.count > 150)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version that is not an EVR")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "rpm")
        #expect(fixture.invalid.count >= 20)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "rpm").checkOrderingProperties(with: scheme)
    }

    @Test("splits epoch, version and release; a missing epoch reads as 0")
    func components() throws {
        // given / when
        let full = try scheme.parse("2:8.2.2637-20.el9_1")
        let bare = try scheme.parse("1.0^git1")
        // then
        #expect(full.epoch == "2")
        #expect(full.version == "8.2.2637")
        #expect(full.release == "20.el9_1")
        #expect(full.description == "2:8.2.2637-20.el9_1")
        #expect(bare.epoch == "0")
        #expect(bare.version == "1.0^git1")
        #expect(bare.release == nil)
    }

    @Test("sorts a missing release below every release, and a missing epoch like epoch 0")
    func missingParts() throws {
        // given
        let noRelease = try scheme.parse("1.0")
        let release = try scheme.parse("1.0-1")
        let zeroEpoch = try scheme.parse("0:1.0-1")
        // then
        #expect(noRelease < release)
        #expect(release == zeroEpoch)
        #expect(try scheme.compare("1.0", "0:1.0") == 0)
    }

    @Test("sorts tilde before the base version and caret after it but before any further segment")
    func tildeAndCaret() throws {
        let ordered = ["1.0~rc1", "1.0", "1.0^git1", "1.0^git2", "1.0.1"]
        let parsed = try ordered.map { version throws(VersionError) in try scheme.parse(version) }
        #expect(parsed.sorted().map(\.description) == ordered)
    }

    @Test("compares digit runs longer than any integer type")
    func longDigitRuns() throws {
        #expect(try scheme.compare("18446744073709551616", "18446744073709551615") == 1)
        #expect(try scheme.compare("99999999999999999999999:1", "1:2") == 1)
        #expect(try scheme.compare("1.000000000000000000000000000001", "1.1") == 0)
    }

    @Test("names the scheme and the input in its error", arguments: ["", "1-", ":1", "1-2-3", "1:2:3", "1 0"])
    func rejects(version: String) {
        #expect(scheme.name == "rpm")
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.scheme == "rpm")
        #expect(error?.version == version)
    }
}
