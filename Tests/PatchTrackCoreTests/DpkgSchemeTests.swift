import PatchTrackCore
import Testing

@Suite("DpkgScheme")
struct DpkgSchemeTests {
    let scheme = DpkgScheme()

    @Test("orders every fixture pair as dpkg does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "dpkg")
        #expect(fixture.comparisons.count > 14_000)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version dpkg rejects or warns about")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "dpkg")
        #expect(fixture.invalid.count >= 10)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "dpkg").checkOrderingProperties(with: scheme)
    }

    @Test("splits epoch, upstream version and revision at the first colon and the last hyphen")
    func components() throws {
        // given / when
        let full = try scheme.parse("1:2.30.2-rc1-1+deb12u1")
        let bare = try scheme.parse("2.30")
        let colons = try scheme.parse("3:1:2-0")
        // then
        #expect(full.epoch == 1)
        #expect(full.upstream == "2.30.2-rc1")
        #expect(full.revision == "1+deb12u1")
        #expect(full.description == "1:2.30.2-rc1-1+deb12u1")
        #expect(bare.epoch == 0)
        #expect(bare.upstream == "2.30")
        #expect(bare.revision == "")
        #expect(colons.epoch == 3)
        #expect(colons.upstream == "1:2")
        #expect(colons.revision == "0")
    }

    @Test("treats a zero epoch and a zero revision as absent, and == agrees with the ordering")
    func equalityFollowsOrdering() throws {
        // given
        let plain = try scheme.parse("1.0")
        let zeroEpoch = try scheme.parse("0:1.0")
        let zeroRevision = try scheme.parse("1.0-0")
        let other = try scheme.parse("1.0-1")
        // then
        #expect(plain == zeroEpoch)
        #expect(plain == zeroRevision)
        #expect(!(plain < zeroRevision) && !(zeroRevision < plain))
        #expect(plain < other)
        #expect(try scheme.compare("1.0", "0:1.0") == 0)
    }

    @Test("bounds the epoch at INT_MAX as dpkg does, without overflowing on long digit runs")
    func epochBounds() throws {
        #expect(try scheme.parse("2147483647:1").epoch == 2_147_483_647)
        #expect(try scheme.parse("0002147483647:1").epoch == 2_147_483_647)
        #expect(throws: VersionError.self) { try scheme.parse("2147483648:1") }
        #expect(throws: VersionError.self) { try scheme.parse("99999999999999999999999:1") }
    }

    @Test(
        "rejects blanks, which dpkg would trim or refuse",
        arguments: [" 1.0", "1.0 ", "1.0\t", "1 .0", "1.0-1 ", "\n1.0"])
    func rejectsBlanks(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.version == version)
    }

    @Test("names the scheme and the input in its error")
    func errorDescription() {
        #expect(scheme.name == "dpkg")
        let error = #expect(throws: VersionError.self) { try scheme.parse("1.0-") }
        #expect(error?.scheme == "dpkg")
        #expect(error?.version == "1.0-")
        #expect(error?.description == "invalid dpkg version \"1.0-\": revision number is empty")
    }
}
