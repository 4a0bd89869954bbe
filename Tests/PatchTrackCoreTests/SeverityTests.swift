import Foundation
import Testing

import PatchTrackCore

@Suite struct SeverityTests {
    // MARK: - Real records (Fixtures/advisories)

    @Test func ghsaRecordPrefersItsCVSSVectorOverItsLabel() throws {
        // given GHSA-77rv-6vfw-x4gc: CVSS:3.1 .../S:C/C:H/I:H/A:H and database_specific.severity "LOW"
        let record = try Self.fixture("ghsa/GHSA-77rv-6vfw-x4gc")
        // when
        let severity = Severity.from(record: record)
        // then the vector decides
        let vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H"
        #expect(severity == Severity(level: .critical, score: 9.0, source: .cvssV3(vector)))
    }

    @Test func ghsaRecordWithAgreeingVectorAndLabel() throws {
        let severity = Severity.from(record: try Self.fixture("ghsa/GHSA-wjx8-cgrm-hh8p"))
        #expect(severity.level == .high)
        #expect(severity.score == 8.8)
        #expect(severity.source == .cvssV3("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"))
    }

    @Test func ubuntuRecordPrefersCVSSOverItsPriority() throws {
        // given two identical CVSS_V3 entries and an `Ubuntu` priority "low"
        let severity = Severity.from(record: try Self.fixture("ubuntu/UBUNTU-CVE-2022-24823"))
        // then the vector's score
        #expect(severity == Severity(
            level: .medium, score: 5.5, source: .cvssV3("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N")))
    }

    @Test func chainguardRecordUsesItsVector() throws {
        let severity = Severity.from(record: try Self.fixture("chainguard/CGA-xcpc-gm23-prj9"))
        #expect(severity.level == .medium)
        #expect(severity.score == 5.5)
    }

    @Test(arguments: [
        "debian/DSA-5474-1", "go/GO-2022-0969", "alpine/CVE-2022-27449.alpine", "almalinux/ALSA-2024-2433",
        "pypi/PYSEC-2018-27", "synthetic-edge-cases/dependency-track-osv-vulnerability-with-ranges",
    ])
    func recordsWithoutSeverityDataAreUnknown(name: String) throws {
        // given a real record with neither vectors nor labels / then unknown, from nowhere
        #expect(Severity.from(record: try Self.fixture(name)) == .unknown)
    }

    // MARK: - Order of preference

    @Test func cvssV4WinsOverV3() throws {
        let record = try Self.record(#"""
            {"id": "GHSA-test", "modified": "2024-01-01T00:00:00Z",
             "severity": [
               {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
               {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"}],
             "database_specific": {"severity": "CRITICAL"}}
            """#)
        let severity = Severity.from(record: record)
        let vector = "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"
        #expect(severity.source == .cvssV4(vector))
        #expect(severity.score == (try CVSS4(vector: vector).score))
        #expect(severity.level == SeverityLevel(score: try CVSS4(vector: vector).score))
    }

    @Test func highestOfSeveralVectorsAndAffectedLevelVectorsCount() throws {
        // given no record-level severity and two affected entries with different v3.0 / v3.1 vectors
        let record = try Self.record(#"""
            {"id": "OSV-test", "modified": "2024-01-01T00:00:00Z", "affected": [
              {"package": {"ecosystem": "PyPI", "name": "a"},
               "severity": [{"type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"}]},
              {"package": {"ecosystem": "PyPI", "name": "b"},
               "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}]}]}
            """#)
        let severity = Severity.from(record: record)
        #expect(severity == Severity(
            level: .high, score: 7.8, source: .cvssV3("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")))
    }

    @Test func malformedVectorFallsBackToTheLabel() throws {
        // given a truncated vector and a GHSA label
        let record = try Self.record(#"""
            {"id": "GHSA-test", "modified": "2024-01-01T00:00:00Z",
             "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N"}],
             "database_specific": {"severity": "MODERATE", "github_reviewed": true}}
            """#)
        #expect(Severity.from(record: record) == Severity(level: .medium, source: .databaseSpecific("MODERATE")))
    }

    @Test func ubuntuPriorityWhenNoVector() throws {
        let record = try Self.record(#"""
            {"id": "UBUNTU-CVE-test", "modified": "2024-01-01T00:00:00Z",
             "severity": [{"type": "Ubuntu", "score": "negligible"}],
             "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "x"}}]}
            """#)
        #expect(Severity.from(record: record) == Severity(level: .low, source: .distro("negligible")))
    }

    @Test func debianUrgenciesPickTheMostSevereInformativeOne() throws {
        // given Debian-style per-release urgencies, one of them unassigned
        let record = try Self.record(#"""
            {"id": "DEBIAN-CVE-test", "modified": "2024-01-01T00:00:00Z", "affected": [
              {"package": {"ecosystem": "Debian:11", "name": "x"}, "ecosystem_specific": {"urgency": "unimportant"}},
              {"package": {"ecosystem": "Debian:12", "name": "x"}, "ecosystem_specific": {"urgency": "medium**"}},
              {"package": {"ecosystem": "Debian:13", "name": "x"},
               "ecosystem_specific": {"urgency": "not yet assigned"}}]}
            """#)
        #expect(Severity.from(record: record) == Severity(level: .medium, source: .distro("medium**")))
    }

    @Test func affectedDatabaseSpecificSeverityOfALanguageEcosystem() throws {
        let record = try Self.record(#"""
            {"id": "OSV-test", "modified": "2024-01-01T00:00:00Z", "affected": [
              {"package": {"ecosystem": "npm", "name": "x"}, "database_specific": {"severity": "HIGH", "cwes": []}},
              {"package": {"ecosystem": "npm", "name": "y"}, "database_specific": {"severity": 7}}]}
            """#)
        #expect(Severity.from(record: record) == Severity(level: .high, source: .databaseSpecific("HIGH")))
    }

    @Test func onlyUninformativeLabelsGiveUnknown() throws {
        let record = try Self.record(#"""
            {"id": "DEBIAN-CVE-test", "modified": "2024-01-01T00:00:00Z",
             "severity": [{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}],
             "affected": [{"package": {"ecosystem": "Debian:12", "name": "x"},
                           "ecosystem_specific": {"urgency": "not yet assigned"}}]}
            """#)
        #expect(Severity.from(record: record) == .unknown)
    }

    // MARK: - Scanners and vectors

    @Test(arguments: [
        ("CRITICAL", SeverityLevel.critical), ("HIGH", .high), ("MEDIUM", .medium), ("LOW", .low),
        ("UNKNOWN", .unknown), ("Negligible", .low), ("Critical", .critical), ("something else", .unknown),
    ])
    func scannerLabelsKeepTheirText(label: String, expected: SeverityLevel) {
        #expect(Severity.from(scannerLabel: label) == Severity(level: expected, source: .scanner(label)))
    }

    @Test func vectorsOfEitherVersionAreScored() throws {
        let vector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
        let v3 = try Severity.from(cvssVector: vector)
        #expect(v3 == Severity(level: .high, score: 7.5, source: .cvssV3(vector)))
        let v4 = try Severity.from(cvssVector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        #expect(v4.level == .critical)
        #expect(v4.score == 9.3)
        #expect(throws: CVSSError.unsupportedVersion("CVSS:2.0")) {
            try Severity.from(cvssVector: "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P")
        }
    }

    // MARK: - Helpers

    static func fixture(_ name: String) throws -> OSVRecord {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/advisories/\(name)", withExtension: "json"), "\(name)")
        return try JSONDecoder().decode(OSVRecord.self, from: Data(contentsOf: url))
    }

    static func record(_ json: String) throws -> OSVRecord {
        try JSONDecoder().decode(OSVRecord.self, from: Data(json.utf8))
    }
}
