import Foundation
import Testing

import PatchTrackCore

/// The one loop that pairs candidates with advisories sharing a key and keeps the affected pairs.
@Suite struct FindingDecisionTests {
    struct Candidate: FindingDecision.Candidate {
        let package: EcosystemPackage
    }

    struct Advisory: FindingDecision.Advisory {
        let matcher: AdvisoryMatcher
        let scheme: VersionSchemeID?
    }

    static func advisory(_ name: String) throws -> Advisory {
        let record = try MatchingFixtures.record(name)
        let scheme = record.affected.lazy.map { EcosystemRelease(osvEcosystem: $0.package.ecosystem).ecosystem.scheme }.first { $0 != nil } ?? nil
        return Advisory(matcher: AdvisoryMatcher(record), scheme: scheme)
    }

    static func candidate(_ purl: String) throws -> Candidate {
        Candidate(package: try MatchingFixtures.package(purl))
    }

    @Test func keepsTheAffectedPairsWithTheirFix() throws {
        // given DSA-5474-1 (intel-microcode on Debian 11 and 12), an affected and a fixed Debian 12 component, and an
        // unrelated one
        let advisories = [try Self.advisory("debian/DSA-5474-1")]
        let candidates = [
            try Self.candidate("pkg:deb/debian/intel-microcode@3.20230808.1~deb12u1?arch=amd64&distro=debian-12"),
            try Self.candidate("pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"),
            try Self.candidate("pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12"),
        ]
        // when
        let pairs = FindingDecision.affected(advisories, candidates)
        // then only the vulnerable intel-microcode is a finding, with the Debian 12 fix
        #expect(pairs.map(\.advisory) == [0])
        #expect(pairs.map(\.affected) == [FindingDecision.Affected(candidate: 2, fixedVersion: "3.20230808.1~deb12u1")])
    }

    @Test func decidesEachPairOnceHoweverManyKeysItIsListedUnder() throws {
        let advisory = try Self.advisory("debian/DSA-5474-1")
        let candidates = [try Self.candidate("pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12")]
        // the same position listed under every key of the advisory, twice
        let byKey = Dictionary(advisory.matcher.keys.map { ($0.value, [0, 0]) }, uniquingKeysWith: { first, _ in first })
        let affected = FindingDecision.affected(by: advisory, candidates: candidates, positionsByKey: byKey)
        #expect(affected == [FindingDecision.Affected(candidate: 0, fixedVersion: "3.20230808.1~deb12u1")])
        // and a candidate listed under no key of the advisory is not considered
        #expect(FindingDecision.affected(by: advisory, candidates: candidates, positionsByKey: [:]).isEmpty)
    }

    @Test func withdrawnAdvisoryGivesNothing() throws {
        let advisory = try Self.advisory("pypi/PYSEC-2019-156-withdrawn-3001")
        let candidates = [try Self.candidate("pkg:pypi/scipy@0.12.0")]
        #expect(advisory.matcher.isWithdrawn)
        #expect(FindingDecision.positionsByKey(candidates).values.flatMap { $0 } == [0])
        #expect(FindingDecision.affected([advisory], candidates).isEmpty)
    }
}
