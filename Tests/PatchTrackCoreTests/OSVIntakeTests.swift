import Foundation
import Testing

import PatchTrackCore

/// OSV intake: one record or an array, each record validated on its own.
@Suite struct OSVIntakeTests {
    /// A posted array mixing the real fixtures with broken records.
    static func mixedArray() throws -> Data {
        let valid = try ["debian/DSA-5474-1", "go/GO-2022-0969", "ubuntu/UBUNTU-CVE-2022-24823"].map {
            String(decoding: try MatchingFixtures.data("advisories/\($0)"), as: UTF8.self)
        }
        let broken = [
            #"{"modified": "2024-01-01T00:00:00Z"}"#,  // no id
            #"{"id": "X-2"}"#,  // no modified
            #"{"id": "X-3", "modified": "yesterday"}"#,
            #"{"id": "X-4", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Debian:12", "name": "curl"}, "ranges": [{"type": "SEMVERISH", "events": [{"introduced": "0"}]}]}]}"#,
            #"{"id": "X-5", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Hex", "name": "plug"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]}"#,
            #""just a string""#,
            #"{"id": "X-7", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}"#,
        ]
        let elements = [valid[0], broken[0], valid[1], broken[1], broken[2], broken[3], broken[4], valid[2],
                        broken[5], broken[6]]
        return Data(("[" + elements.joined(separator: ",\n") + "]").utf8)
    }

    @Test func mixedArrayReportsEachRecordOnItsOwn() throws {
        // when
        let entries = try OSVIntake.parse(Self.mixedArray())
        // then
        #expect(entries.map(\.index) == Array(0..<10))
        #expect(entries.compactMap(\.record).map(\.id)
            == ["DSA-5474-1", "GO-2022-0969", "X-5", "UBUNTU-CVE-2022-24823"])
        let rejections = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
            entry.rejection.map { (entry.index, $0.path) }
        })
        #expect(rejections == [
            1: "[1].id", 3: "[3].modified", 4: "[4].modified", 5: "[5].affected[0].ranges[0].type", 8: "[8]",
            9: "[9].affected[0].ranges[0].events[0]",
        ])
        #expect(entries[4].id == "X-3")
        #expect(entries.allSatisfy { $0.rejection?.kind ?? .invalidDocument == .invalidDocument })
    }

    @Test func unknownEcosystemIsAcceptedAndReportedUnsupported() throws {
        let entries = try OSVIntake.parse(Self.mixedArray())
        let hex = try #require(entries[6].record)
        #expect(hex.unsupportedEntries == [.init(affectedIndex: 0, ecosystem: "Hex")])
        #expect(hex.warnings.isEmpty)
        #expect(try #require(entries[0].record).unsupportedEntries.isEmpty)
    }

    @Test func singleRecordIsOneEntryWithPathsWithoutIndex() throws {
        let entries = try OSVIntake.parse(Data(#"{"id": "X-1", "modified": "2024-13-01T00:00:00Z"}"#.utf8))
        #expect(entries.count == 1)
        #expect(entries[0].rejection?.path == "modified")
        let good = try OSVIntake.parse(try MatchingFixtures.data("advisories/chainguard/CGA-xcpc-gm23-prj9"))
        #expect(good.map { $0.record?.id } == ["CGA-xcpc-gm23-prj9"])
        #expect(good[0].record?.modified.utc == "2026-02-20T00:00:00Z")
    }

    @Test func everyFixtureRecordIsAccepted() throws {
        let names = [
            "almalinux/ALSA-2024-2433", "alpine/CVE-2022-27449.alpine", "chainguard/CGA-xcpc-gm23-prj9",
            "debian/DSA-5474-1", "ghsa/GHSA-77rv-6vfw-x4gc", "ghsa/GHSA-wjx8-cgrm-hh8p", "go/GO-2022-0969",
            "pypi/PYSEC-2018-27", "pypi/PYSEC-2019-156-withdrawn-3001", "ubuntu/UBUNTU-CVE-2022-24823",
        ]
        for name in names {
            let entries = try OSVIntake.parse(try MatchingFixtures.data("advisories/\(name)"))
            let record = try #require(entries.first?.record, "\(name): \(String(describing: entries.first?.rejection))")
            #expect(record.warnings.isEmpty, "\(name)")
        }
        let withdrawn = try OSVIntake.parse(try MatchingFixtures.data("advisories/pypi/PYSEC-2019-156-withdrawn-3001"))
        #expect(withdrawn.first?.record?.isWithdrawn == true)
    }

    @Test func rangeWithoutIntroducedIsRejectedAndUnparsableVersionIsAWarning() throws {
        // given the Dependency-Track synthetic record: a range starting with `fixed` has an introduced later, so it
        // is valid; its SEMVER range `introduced 0, fixed "1"` is valid OSV but "1" is no SemVer 2.0 version
        let synthetic = try OSVIntake.parse(
            try MatchingFixtures.data("advisories/synthetic-edge-cases/dependency-track-osv-vulnerability-with-ranges"))
        let warnings = try #require(synthetic.first?.record).warnings
        #expect(warnings.map(\.path) == ["affected[2].ranges[1]"])
        #expect(warnings.first?.message.contains("invalid semver version \"1\"") == true)
        // then a range lacking introduced is rejected, and an unparsable version is a warning
        let noIntroduced = #"{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1.0"}]}]}]}"#
        #expect(try OSVIntake.parse(Data(noIntroduced.utf8)).first?.rejection?.path == "affected[0].ranges[0].events")
        let badVersion = #"{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "not/a/version"}]}]}]}"#
        let record = try #require(try OSVIntake.parse(Data(badVersion.utf8)).first?.record)
        #expect(record.warnings.map(\.path) == ["affected[0].ranges[0]"])
        let gitWithoutRepo = #"{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "GIT", "events": [{"introduced": "0"}]}]}]}"#
        #expect(try OSVIntake.parse(Data(gitWithoutRepo.utf8)).first?.rejection?.path == "affected[0].ranges[0].repo")
    }

    @Test func packageNeedsNameOrPurl() throws {
        let neither = #"{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm"}}]}"#
        #expect(try OSVIntake.parse(Data(neither.utf8)).first?.rejection?.path == "affected[0].package.name")
        let purlOnly = #"{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "purl": "pkg:npm/left-pad"}}]}"#
        #expect(try OSVIntake.parse(Data(purlOnly.utf8)).first?.record != nil)
    }

    @Test func wholeDocumentFailuresThrow() {
        #expect(throws: IngestError.self) { try OSVIntake.parse(Data("{not json".utf8)) }
        #expect(throws: IngestError.self) { try OSVIntake.parse(Data("42".utf8)) }
        #expect((try? OSVIntake.parse(Data("[]".utf8)))?.isEmpty == true)
    }

    // MARK: - Upsert order

    @Test func newerComparesModifiedInstants() throws {
        let json = #"""
            [{"id": "A", "modified": "2024-05-01T10:00:00.5Z"},
             {"id": "A", "modified": "2024-05-01T12:00:00.500+02:00"},
             {"id": "A", "modified": "2024-05-01T10:00:00.500000001Z"},
             {"id": "B", "modified": "2024-01-01T00:00:00Z"}]
            """#
        let entries = try OSVIntake.parse(Data(json.utf8))
        let records = entries.compactMap(\.record)
        // the same instant written differently is not newer; a nanosecond later is
        #expect(!records[1].isNewer(than: records[0].modified))
        #expect(records[2].isNewer(than: records[0].modified))
        #expect(!records[0].isNewer(than: records[2].modified))
        #expect(records[0].isNewer(thanStoredModified: "2024-05-01T09:59:59Z"))
        #expect(records[0].isNewer(thanStoredModified: "garbage"))
        let newest = OSVIntake.newestPerID(entries)
        #expect(newest.map(\.id) == ["A", "B"])
        #expect(newest[0].record.modified == "2024-05-01T10:00:00.500000001Z")
    }
}
