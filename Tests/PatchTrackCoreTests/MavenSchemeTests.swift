import PatchTrackCore
import Testing

@Suite("MavenScheme")
struct MavenSchemeTests {
    let scheme = MavenScheme()

    @Test("orders every fixture pair as Maven 3.8.7's ComparableVersion does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "maven")
        #expect(fixture.comparisons.count > 15_000)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "maven").checkOrderingProperties(with: scheme)
    }

    @Test("accepts every string, the empty one included, which equals 0")
    func acceptsAnything() throws {
        // given / when
        let empty = try scheme.parse("")
        // then
        #expect(try empty == scheme.parse("0"))
        #expect(try empty < scheme.parse("0.1"))
        #expect(try scheme.parse("not a version!").description == "not a version!")
        #expect(scheme.name == "maven")
    }

    @Test(
        "drops trailing null items and treats ga, final and release as the release",
        arguments: ["1.0", "1-0", "1.0.0", "1-ga", "1.final", "1-RELEASE", "1.0-0.0", "1-", "1.", "1.0.Final"])
    func releaseSpellings(version: String) throws {
        #expect(try scheme.compare(version, "1") == 0)
    }

    @Test("orders qualifiers alpha < beta < milestone < rc < snapshot < release < sp < others")
    func qualifierOrder() throws {
        // given
        let ascending = ["1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp", "1-abc", "1-xyz",
                         "1-1", "1.1"]
        // when
        let parsed = try ascending.map { s throws(VersionError) in try scheme.parse(s) }
        // then
        for (low, high) in zip(parsed, parsed.dropFirst()) {
            #expect(low < high, "\(low) < \(high)")
        }
        #expect(try scheme.compare("1-a1", "1-alpha-1") == 0)
        #expect(try scheme.compare("1-b2", "1-beta-2") == 0)
        #expect(try scheme.compare("1-m3", "1-milestone-3") == 0)
        #expect(try scheme.compare("1-cr1", "1-rc1") == 0)
        #expect(try scheme.compare("1-a", "1-alpha") == 1)
    }

    @Test("sorts numbers by kind first (int ≤ 9 digits < long ≤ 18 < big), then by value")
    func numberKinds() throws {
        #expect(try scheme.compare("1.2147483648", "1.999999999") == 1)
        #expect(try scheme.compare("1.0000000000.1", "1.5.1") == 1)
        #expect(try scheme.compare("1.1000000000000000000", "1.999999999999999999") == 1)
        #expect(try scheme.compare("1.99999999999999999999999", "1.99999999999999999999998") == 1)
    }

    @Test("reads Unicode digits as digits and lower-cases like Java")
    func unicode() throws {
        #expect(try scheme.compare("1.\u{0661}", "1.1") == 0)
        #expect(try scheme.compare("1.K", "1.k") == 0)
        #expect(try scheme.compare("1.ΑΣ", "1.ας") == 0)
        #expect(try scheme.compare("ΑΣ.x", "ασ.x") == 0)
    }

    @Test("compares deeply nested versions without recursion, as it does shallow ones")
    func deepNesting() throws {
        // given: each "a1" opens two nested lists; Java overflows its stack on the deep pair
        let shallow = String(repeating: "a1", count: 2)
        let deep = String(repeating: "a1", count: 5_000)
        // when / then
        #expect(try scheme.compare(shallow, shallow + "b") == -1)
        #expect(try scheme.compare(deep, deep + "b") == -1)
        #expect(try scheme.compare(deep + "b", deep) == 1)
        #expect(try scheme.compare(deep, deep) == 0)
    }
}
