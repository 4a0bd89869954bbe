import PatchTrackCore
import Testing

@Suite("SemVerScheme")
struct SemVerSchemeTests {
    let npm = SemVerScheme()
    let cargo = SemVerScheme(flavor: .cargo)

    @Test("orders every npm fixture pair as npm's semver does, both ways round")
    func npmFixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "semver")
        #expect(fixture.comparisons.count >= 50)
        // when / then
        fixture.checkComparisons(with: npm)
    }

    @Test("rejects every npm fixture version that strict npm semver rejects")
    func npmFixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "semver")
        #expect(fixture.invalid.count >= 20)
        fixture.checkInvalid(with: npm)
    }

    @Test("orders every Cargo fixture pair as the Rust semver crate does, both ways round")
    func cargoFixtureComparisons() throws {
        let fixture = try VersionFixture(named: "cargo")
        #expect(fixture.comparisons.count >= 50)
        fixture.checkComparisons(with: cargo)
    }

    @Test("rejects every Cargo fixture version that Version::parse rejects")
    func cargoFixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "cargo")
        #expect(fixture.invalid.count >= 20)
        fixture.checkInvalid(with: cargo)
    }

    @Test("is a total order over the fixture versions in both flavors")
    func orderingProperties() throws {
        try VersionFixture(named: "semver").checkOrderingProperties(with: npm)
        try VersionFixture(named: "cargo").checkOrderingProperties(with: cargo)
    }

    @Test("ignores build metadata for npm but orders by it for Cargo")
    func buildMetadata() throws {
        // given: (lhs, rhs, npm order, Cargo order)
        let cases = [("1.2.3+b", "1.2.3+a", 0, 1), ("1.2.3+001", "1.2.3+1", 0, 1), ("1.2.3+a", "1.2.3+1", 0, 1),
                     ("1.2.3+1.a", "1.2.3+1", 0, 1), ("1.2.3", "1.2.3+0", 0, -1), ("1.0.0-rc.1+z", "1.0.0", -1, -1)]
        for (lhs, rhs, npmOrder, cargoOrder) in cases {
            // when
            let npmResult = try npm.compare(lhs, rhs)
            let cargoResult = try cargo.compare(lhs, rhs)
            // then
            #expect(npmResult == npmOrder, "\(lhs) vs \(rhs)")
            #expect(cargoResult == cargoOrder, "\(lhs) vs \(rhs)")
        }
    }

    @Test("compares numbers of any length by their digits")
    func longNumbers() throws {
        // given / when / then
        #expect(try cargo.compare("18446744073709551615.0.0", "18446744073709551614.9.9") == 1)
        #expect(try npm.compare("9007199254740991.0.0", "9007199254740990.99.99") == 1)
        #expect(try npm.compare("1.0.0-99999999999999999999", "1.0.0-100000000000000000000") == -1)
        #expect(try npm.compare("1.0.0-9007199254740993", "1.0.0-9007199254740992") == 1)
    }

    @Test("bounds major, minor and patch as each implementation does")
    func numberLimits() {
        #expect(throws: VersionError.self) { try npm.parse("9007199254740992.0.0") }
        #expect(throws: VersionError.self) { try npm.parse("1.18446744073709551615.0") }
        #expect(throws: VersionError.self) { try cargo.parse("18446744073709551616.0.0") }
        #expect(throws: VersionError.self) { try npm.parse("1.2.3-" + String(repeating: "a", count: 251)) }
        #expect((try? cargo.parse("1.2.3-" + String(repeating: "a", count: 251))) != nil)
    }

    @Test(
        "rejects what strict SemVer 2.0.0 rejects",
        arguments: ["", "1.2", "1.2.3.4", "v1.2.3", "=1.2.3", " 1.2.3", "1.2.3 ", "01.2.3", "1.02.3", "1.2.3-01",
                    "1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", "1.2.3-é", "1.2.3+x+y", "1.2.3beta"])
    func rejectsMalformed(version: String) {
        for scheme in [npm, cargo] {
            let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
            #expect(error?.version == version)
            #expect(error?.scheme == scheme.name)
        }
    }

    @Test("exposes the parts as written and keeps the input as its description")
    func components() throws {
        // given / when
        let version = try cargo.parse("10.20.30-rc.1.x-y+build.007")
        // then
        #expect(version.major == "10")
        #expect(version.minor == "20")
        #expect(version.patch == "30")
        #expect(version.prerelease == ["rc", "1", "x-y"])
        #expect(version.build == ["build", "007"])
        #expect(version.description == "10.20.30-rc.1.x-y+build.007")
        #expect(npm.name == "semver")
        #expect(cargo.name == "cargo")
    }

    @Test("makes == agree with the ordering: equal precedence is equality for npm")
    func equalityFollowsOrdering() throws {
        let a = try npm.parse("1.0.0+a")
        let b = try npm.parse("1.0.0+b")
        #expect(a == b)
        #expect(!(a < b) && !(b < a))
        let c = try cargo.parse("1.0.0+a")
        let d = try cargo.parse("1.0.0+b")
        #expect(c != d)
        #expect(c < d)
    }
}
