import Foundation
import Testing

import PatchTrackCore

/// Real OSV records (Fixtures/advisories, sources in Tests/Fixtures/README.md) decoded and evaluated.
@Suite struct OSVRecordFixtureTests {
    @Test func decodesEveryFieldOfARecord() throws {
        let record = try Self.record("ubuntu/UBUNTU-CVE-2022-24823")
        #expect(record.id == "UBUNTU-CVE-2022-24823")
        #expect(record.affected.count == 8)
        #expect(record.published != nil)
        let pro = try #require(record.affected.first { $0.package.ecosystem == "Ubuntu:Pro:18.04:LTS" })
        #expect(pro.package.name == "netty")
        #expect(pro.ecosystemSpecific?["binaries"] != nil)
        #expect(pro.versions.contains("1:4.1.7-4"))
        let go = try Self.record("go/GO-2022-0969")
        #expect(go.aliases == ["CVE-2022-27664", "GHSA-69cg-p879-7622"])
        #expect(go.affected[0].ranges[0].events == [
            .introduced("0"), .fixed("1.18.6"), .introduced("1.19.0-0"), .fixed("1.19.1"),
        ])
        let withdrawn = try Self.record("pypi/PYSEC-2019-156-withdrawn-3001")
        #expect(withdrawn.withdrawn == "3001-06-06T10:37:00Z")
    }

    @Test func recordsSurviveAnEncodeDecodeRoundTrip() throws {
        for name in Self.all {
            let record = try Self.record(name)
            let again = try JSONDecoder().decode(OSVRecord.self, from: JSONEncoder().encode(record))
            #expect(again == record, "\(name)")
        }
    }

    @Test func debianSecurityAdvisoryPerRelease() throws {
        let record = try Self.record("debian/DSA-5474-1")
        let bookworm = try Self.affected(record, "Debian:12")
        #expect(try bookworm.evaluate(version: "3.20230512.1") == .affected(fixedIn: "3.20230808.1~deb12u1"))
        #expect(try bookworm.evaluate(version: "3.20230808.1~deb12u1") == .notAffected)
        #expect(try bookworm.evaluate(version: "3.20230808.1") == .notAffected)
        let bullseye = try Self.affected(record, "Debian:11")
        #expect(try bullseye.evaluate(version: "3.20230808.1~deb11u0") == .affected(fixedIn: "3.20230808.1~deb11u1"))
    }

    @Test func goStandardLibraryTwoBranches() throws {
        let record = try Self.record("go/GO-2022-0969")
        let stdlib = record.affected[0]
        #expect(try stdlib.evaluate(version: "1.18.5") == .affected(fixedIn: "1.18.6"))
        #expect(try stdlib.evaluate(version: "v1.18.6") == .notAffected)
        #expect(try stdlib.evaluate(version: "1.19.0-rc.1") == .affected(fixedIn: "1.19.1"))
        #expect(try stdlib.evaluate(version: "1.19.0") == .affected(fixedIn: "1.19.1"))
        #expect(try stdlib.evaluate(version: "1.19.1") == .notAffected)
        let net = record.affected[1]
        #expect(try net.evaluate(version: "v0.0.0-20220812174116-3211cb980234")
            == .affected(fixedIn: "0.0.0-20220906165146-f3363e06e74c"))
        #expect(try net.evaluate(version: "v0.1.0") == .notAffected)
    }

    @Test func pypiRecordWithGitAndEcosystemRanges() throws {
        let entry = try Self.record("pypi/PYSEC-2018-27").affected[0]
        #expect(try entry.evaluate(version: "1.4.0") == .affected(fixedIn: "1.4.1"))
        #expect(try entry.evaluate(version: "0.0.0") == .affected(fixedIn: "1.4.1"))
        #expect(try entry.evaluate(version: "1.4.1") == .notAffected)
    }

    @Test func alpineEntriesPerBranch() throws {
        let record = try Self.record("alpine/CVE-2022-27449.alpine")
        let v316 = try Self.affected(record, "Alpine:v3.16")
        #expect(try v316.evaluate(version: "10.6.7-r0") == .affected(fixedIn: "10.6.8-r0"))
        #expect(try v316.evaluate(version: "10.6.8-r0") == .notAffected)
        let v312 = try Self.affected(record, "Alpine:v3.12")
        #expect(try v312.evaluate(version: "10.4.24-r0") == .affected(fixedIn: "10.4.25-r0"))
    }

    @Test func almaLinuxRpmRelease() throws {
        let record = try Self.record("almalinux/ALSA-2024-2433")
        let libs = try #require(record.affected.first { $0.package.name == "avahi-libs" })
        #expect(try libs.evaluate(version: "0.8-12.el9") == .affected(fixedIn: "0.8-20.el9"))
        #expect(try libs.evaluate(version: "0.8-20.el9") == .notAffected)
        #expect(try libs.evaluate(version: "0.8-20.el9_4.1") == .notAffected)
    }

    @Test func chainguardFixedZeroIsNeverAffected() throws {
        let record = try Self.record("chainguard/CGA-xcpc-gm23-prj9")
        let compat = try #require(record.affected.first { $0.package.name == "syncthing-compat" })
        #expect(try compat.evaluate(version: "1.27.0-r0") == .notAffected)
        let syncthing = record.affected[0]
        #expect(try syncthing.evaluate(version: "2.0.14-r0") == .affected(fixedIn: "2.0.14-r1"))
        let wolfi = try Self.affected(record, "Wolfi")
        #expect(try wolfi.evaluate(version: "2.0.14-r1") == .notAffected)
    }

    @Test func ubuntuProAndUnfixedEntries() throws {
        let record = try Self.record("ubuntu/UBUNTU-CVE-2022-24823")
        let bionic = try Self.affected(record, "Ubuntu:Pro:18.04:LTS")
        #expect(try bionic.evaluate(version: "1:4.1.7-4") == .affected(fixedIn: "1:4.1.7-4ubuntu0.1+esm3"))
        #expect(try bionic.evaluate(version: "1:4.1.7-4ubuntu0.1+esm3") == .notAffected)
        let questing = try Self.affected(record, "Ubuntu:25.10")
        #expect(try questing.evaluate(version: "1:4.1.48-10ubuntu0.25.10.2") == .affected(fixedIn: nil))
    }

    @Test func githubAdvisoriesForMavenAndPackagist() throws {
        let oauth = try Self.record("ghsa/GHSA-77rv-6vfw-x4gc").affected[0]
        #expect(try oauth.evaluate(version: "2.0.16") == .affected(fixedIn: "2.0.17"))
        #expect(try oauth.evaluate(version: "1.0.0.RELEASE") == .affected(fixedIn: "2.0.17"))
        #expect(try oauth.evaluate(version: "2.0.17") == .notAffected)
        let contao = try Self.record("ghsa/GHSA-wjx8-cgrm-hh8p")
        #expect(try contao.affected[0].evaluate(version: "4.4.45") == .affected(fixedIn: "4.4.46"))
        #expect(try contao.affected[0].evaluate(version: "4.4.46") == .notAffected)
        #expect(try contao.affected[1].evaluate(version: "4.4.46") == .notAffected)
        #expect(try contao.affected[1].evaluate(version: "4.8.5") == .affected(fixedIn: "4.8.6"))
    }

    @Test func dependencyTrackSyntheticRanges() throws {
        let entries = try Self.record("synthetic-edge-cases/dependency-track-osv-vulnerability-with-ranges").affected
        // versions only, no ranges
        #expect(try entries[0].evaluate(version: entries[0].versions[0]) == .affected(fixedIn: nil))
        // consecutive introduced events; the range starts with a fixed event
        #expect(try entries[3].evaluate(version: "2.5") == .notAffected)
        // "1" is in no range, but Maven orders it equal to the listed "1.0.0.RELEASE"; the fix is then the lowest
        // unaffected fixed event above it.
        #expect(try entries[3].evaluate(version: "1") == .affected(fixedIn: "2"))
        #expect(try entries[3].evaluate(version: "3.5") == .affected(fixedIn: "5"))
        #expect(try entries[3].evaluate(version: "5") == .notAffected)
        // limit
        #expect(try entries[5].evaluate(version: "12") == .affected(fixedIn: nil))
        #expect(try entries[5].evaluate(version: "13") == .notAffected)
        // open-ended
        #expect(try entries[6].evaluate(version: "100") == .affected(fixedIn: nil))
    }

    // MARK: - Fixtures

    static let all = [
        "almalinux/ALSA-2024-2433", "alpine/CVE-2022-27449.alpine", "chainguard/CGA-xcpc-gm23-prj9",
        "debian/DSA-5474-1", "ghsa/GHSA-77rv-6vfw-x4gc", "ghsa/GHSA-wjx8-cgrm-hh8p", "go/GO-2022-0969",
        "pypi/PYSEC-2018-27", "pypi/PYSEC-2019-156-withdrawn-3001",
        "synthetic-edge-cases/dependency-track-osv-vulnerability-with-ranges", "ubuntu/UBUNTU-CVE-2022-24823",
    ]

    static func record(_ name: String) throws -> OSVRecord {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/advisories/\(name)", withExtension: "json"), "\(name)")
        return try JSONDecoder().decode(OSVRecord.self, from: Data(contentsOf: url))
    }

    static func affected(_ record: OSVRecord, _ ecosystem: String) throws -> OSVRecord.Affected {
        try #require(record.affected.first { $0.package.ecosystem == ecosystem }, "\(ecosystem)")
    }
}
