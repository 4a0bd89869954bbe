import Testing

import PatchTrackCore

@Suite struct SeverityLevelTests {
    @Test func ordersFromUnknownToCritical() {
        #expect(SeverityLevel.allCases == [.unknown, .low, .medium, .high, .critical])
        #expect(SeverityLevel.allCases.sorted() == SeverityLevel.allCases)
        #expect(SeverityLevel.unknown < .low && SeverityLevel.high < .critical)
        #expect([SeverityLevel.high, .unknown, .critical, .low].max() == .critical)
    }

    @Test func ranksFromZeroToFourAndBack() {
        #expect(SeverityLevel.allCases.map(\.rank) == [0, 1, 2, 3, 4])
        for level in SeverityLevel.allCases { #expect(SeverityLevel(rank: level.rank) == level) }
        #expect(SeverityLevel(rank: -1) == nil)
        #expect(SeverityLevel(rank: 5) == nil)
    }

    /// The qualitative rating scale (CVSS v3.1 specification section 5, v4.0 section 6), at every band edge.
    @Test(arguments: [
        (0.0, SeverityLevel.low), (0.1, .low), (3.9, .low), (4.0, .medium), (6.9, .medium), (7.0, .high),
        (8.9, .high), (9.0, .critical), (10.0, .critical), (-0.1, .unknown), (10.1, .unknown), (Double.nan, .unknown),
    ])
    func mapsScoresToTheQualitativeBands(score: Double, expected: SeverityLevel) {
        #expect(SeverityLevel(score: score) == expected)
    }

    /// Labels as real feeds and tools write them: GHSA `database_specific.severity`, Red Hat / SUSE, Debian
    /// security-tracker urgencies, Ubuntu priorities, Trivy and Grype severities, CVSS qualitative names.
    @Test(arguments: [
        ("CRITICAL", SeverityLevel.critical), ("Critical", .critical), ("HIGH", .high), ("High", .high),
        ("important", .high), ("Important", .high), ("MODERATE", .medium), ("moderate", .medium),
        ("MEDIUM", .medium), ("medium**", .medium), ("LOW", .low), ("low**", .low), ("low*", .low),
        ("unimportant", .low), ("Negligible", .low), ("negligible", .low), ("NONE", .low),
        ("UNKNOWN", .unknown), ("Unknown", .unknown), ("not yet assigned", .unknown), ("untriaged", .unknown),
        ("end-of-life", .unknown), (" High \n", .high), ("", .unknown),
    ])
    func readsRealWorldLabels(label: String, expected: SeverityLevel) {
        #expect(SeverityLevel(label: label) == expected)
    }

    @Test(arguments: ["severe", "9.8", "P1", "hi", "CVSS:3.1/AV:N"])
    func rejectsLabelsOfNoKnownVocabulary(label: String) {
        #expect(SeverityLevel(label: label) == nil)
    }
}
