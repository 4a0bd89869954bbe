import Foundation
import Testing

import PatchTrackCore

/// One verdict per component and advisory from the per-entry matches.
@Suite struct AdvisoryVerdictTests {
    static let release = EcosystemRelease(ecosystem: .maven)

    static func match(_ index: Int, _ outcome: AdvisoryMatch.Outcome) -> AdvisoryMatch {
        AdvisoryMatch(affectedIndex: index, release: release, outcome: outcome)
    }

    @Test func noMatchesIsNotApplicable() {
        #expect(AdvisoryVerdict([], scheme: .maven) == .notApplicable)
    }

    @Test func fixIsTheHighestOfTheAffectedEntriesFixesByScheme() {
        // given two affected entries whose fixes order differently as Maven versions and as text
        let matches = [
            Self.match(0, .affected(fixedIn: "2.10.1")), Self.match(1, .notAffected),
            Self.match(2, .affected(fixedIn: "2.9.0")),
        ]
        // then the Maven order decides
        #expect(AdvisoryVerdict(matches, scheme: .maven) == .affected(fixedIn: "2.10.1"))
    }

    @Test func oneAffectedEntryWithoutFixMeansNoFixYet() {
        let matches = [Self.match(0, .affected(fixedIn: "2.0.17")), Self.match(1, .affected(fixedIn: nil))]
        #expect(AdvisoryVerdict(matches, scheme: .maven) == .affected(fixedIn: nil))
    }

    @Test func unmatchableWinsOverNotAffectedButNotOverAffected() {
        let unreadable = Self.match(1, .unmatchable(.missingVersion))
        #expect(AdvisoryVerdict([Self.match(0, .notAffected), unreadable], scheme: .maven)
            == .unmatchable([.missingVersion]))
        #expect(AdvisoryVerdict([Self.match(0, .affected(fixedIn: "1.0")), unreadable], scheme: .maven)
            == .affected(fixedIn: "1.0"))
        #expect(AdvisoryVerdict([Self.match(0, .notAffected)], scheme: .maven) == .notAffected)
    }

    @Test func realRecordWithOverlappingEntries() throws {
        // given the Dependency-Track synthetic record's many entries for spring-security-oauth
        let record = try MatchingFixtures.record("synthetic-edge-cases/dependency-track-osv-vulnerability-with-ranges")
        let package = try MatchingFixtures.package(
            "pkg:maven/org.springframework.security.oauth/spring-security-oauth@3.2.0")
        // when
        let matches = AdvisoryMatcher.match(package, against: record)
        // then entries 1 to 6 apply; 2 (3 to 4), 3 (3 to 5) and 4 (3.1.0 to 3.3.0) say affected
        #expect(matches.map(\.affectedIndex) == [1, 2, 3, 4, 5, 6])
        #expect(matches.filter(\.isAffected).map(\.affectedIndex) == [2, 3, 4])
        #expect(AdvisoryVerdict(matches, scheme: .maven) == .affected(fixedIn: "5"))
    }
}
