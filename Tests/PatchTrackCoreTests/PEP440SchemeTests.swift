import PatchTrackCore
import Testing

@Suite("PEP440Scheme")
struct PEP440SchemeTests {
    let scheme = PEP440Scheme()

    @Test("orders every fixture pair as packaging.version.Version does, both ways round")
    func fixtureComparisons() throws {
        // given
        let fixture = try VersionFixture(named: "pep440")
        #expect(fixture.comparisons.count > 16_000)
        // when / then
        fixture.checkComparisons(with: scheme)
    }

    @Test("rejects every fixture version that packaging rejects")
    func fixtureInvalidVersions() throws {
        let fixture = try VersionFixture(named: "pep440")
        #expect(fixture.invalid.count >= 20)
        fixture.checkInvalid(with: scheme)
    }

    @Test("is a total order over the fixture versions")
    func orderingProperties() throws {
        try VersionFixture(named: "pep440").checkOrderingProperties(with: scheme)
    }

    @Test(
        "treats alternative spellings as their normal form",
        arguments: [("1.0", "1.0.0"), ("1.0-1", "1.0.post1"), ("1.0.post", "1.0.post0"), ("1.0a", "1.0a0"),
                    ("1.0ALPHA1", "1.0a1"), ("1.0Beta_2", "1.0b2"), ("1.0c1", "1.0rc1"), ("1.0pre1", "1.0rc1"),
                    ("1.0-preview.3", "1.0rc3"), ("1.0.rev3", "1.0.post3"), ("1.0-r", "1.0.post0"),
                    ("1.0_dev_3", "1.0.dev3"), ("V1.0", "1.0"), ("0!1.0", "1.0"), ("1.0+ABC", "1.0+abc"),
                    ("1.0+007", "1.0+7"), ("1.0+1-a", "1.0+1.a"), ("01.01", "1.1")])
    func normalisation(spelling: String, normal: String) throws {
        // when
        let a = try scheme.parse(spelling)
        let b = try scheme.parse(normal)
        // then
        #expect(a == b)
        #expect(!(a < b) && !(b < a))
    }

    @Test("accepts surrounding Python white space, Unicode spaces included", arguments: [
        " 1.0", "1.0 ", "\t1.0\n", "\u{0B}1.0\u{0C}", "\u{1C}1.0\u{1F}", "\u{85}1.0", "\u{A0}1.0\u{3000}", "\u{2028}1.0"])
    func whitespace(version: String) throws {
        #expect(try scheme.parse(version) == scheme.parse("1.0"))
        #expect(try scheme.parse(version).description == version)
    }

    @Test("orders dev, pre, post and local segments as PEP 440 says")
    func suffixOrder() throws {
        // given
        let ascending = ["1.0.dev0", "1.0a1.dev1", "1.0a1", "1.0a1.post1", "1.0b1", "1.0rc1", "1.0",
                         "1.0+abc", "1.0+abc.1", "1.0+1", "1.0+1.a", "1.0.post1.dev1", "1.0.post1", "1!0.1"]
        // when
        let parsed = try ascending.map { s throws(VersionError) in try scheme.parse(s) }
        // then
        for (low, high) in zip(parsed, parsed.dropFirst()) {
            #expect(low < high, "\(low) < \(high)")
        }
    }

    @Test("compares numbers of any length by their digits, up to CPython's 4300-digit int() limit")
    func longNumbers() throws {
        #expect(try scheme.compare("99999999999999999999999", "99999999999999999999998") == 1)
        #expect(try scheme.compare(String(repeating: "1", count: 4300), "2") == 1)
        #expect(throws: VersionError.self) { try scheme.parse(String(repeating: "1", count: 4301)) }
        #expect(throws: VersionError.self) { try scheme.parse("1.0+" + String(repeating: "0", count: 4301)) }
    }

    @Test(
        "rejects what packaging rejects",
        arguments: ["", " ", "v", "1.0-", "1.0_", "1.0+", "1.0+abc.", "1..0", ".1", "1.0-1-1", "1.0-1.post1",
                    "1.0pre-view", "1!", "!1", "1.0a1b1", "1.0+a+b", "1.0é", "١.0", "1 .0", "1.0.post1.post2"])
    func rejectsMalformed(version: String) {
        let error = #expect(throws: VersionError.self) { try scheme.parse(version) }
        #expect(error?.scheme == "pep440")
        #expect(error?.version == version)
    }
}
