import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Finding store, on each engine")
struct FindingStoreTests {
    /// One image's open findings (from ``VEXFixture``), a scanner that agrees on one package of CVE-2024-1's group
    /// (naming it by an alias and by the canonical id, with overlapping fixed versions over two verdicts), and two
    /// verdicts PatchTrack does not reproduce.
    static func insertScene(_ session: any SQLSession) throws -> (findings: [Int64], verdicts: [Int64], inGroup: Int) {
        let fixture = try VEXFixture.insert(session)
        let image = fixture.images[2]
        let now = "2024-01-01T00:00:00.000Z"
        let scanId = try #require(try session.fetchValue(
            """
            INSERT INTO scan (imageId, format, coverage, contentHash, componentCount, verdictCount, countsByEcosystem, skipped,
                firstSeen, lastSeen)
            VALUES (\(image.id), 'trivy', 'inventory', \(String(repeating: "a", count: 64)), 0, 4, '{}', '[]', \(now), \(now))
            RETURNING id
            """, as: Int64.self))
        // verdicts: two agreeing with the openssl@3.0.11 finding of GHSA-1111 (one by alias), one scanner-only in the
        // group of CVE-2024-1, one scanner-only about an advisory PatchTrack does not have
        let verdicts: [(String, String?, String, String, String?)] = [
            ("DSA-1", "pkg:deb/debian/openssl@3.0.11?arch=amd64", "openssl", #"["3.0.12","3.0.13"]"#, "HIGH"),
            ("CVE-2024-1", "pkg:deb/debian/openssl@3.0.11?arch=amd64", "libssl", #"["3.0.13","3.0.14"]"#, "HIGH"),
            ("DSA-1", "pkg:deb/debian/zlib@1.2", "zlib", "[]", "Moderate"),
            ("UNKNOWN-1", "pkg:deb/debian/curl@7", "curl", #"["8"]"#, "important"),
        ]
        var ids: [Int64] = []
        for (advisory, purl, package, fixed, severity) in verdicts {
            ids.append(try #require(try session.fetchValue(
                """
                INSERT INTO scannerVerdict (imageId, scanId, advisoryId, purl, packageName, installedVersion, fixedVersions, severity)
                VALUES (\(image.id), \(scanId), \(advisory), \(purl), \(package), '1', \(fixed), \(severity)) RETURNING id
                """, as: Int64.self)))
        }
        // keep only image 2's findings open, so the scene is small
        try session.execute("DELETE FROM finding WHERE imageId <> \(image.id) OR state <> 'open'")
        let findings = try session.fetchAll("SELECT id FROM finding ORDER BY id").map { try $0.decode(0, as: Int64.self) }
        let inGroup = try #require(try session.fetchValue("SELECT count(*) FROM finding WHERE vulnerabilityId = 'CVE-2024-1'", as: Int.self))
        return (findings, ids, inGroup)
    }

    @Test("scanner agreement, scanner-only rows, filters and the cursor across both parts", arguments: TestEngine.available)
    func scannerRows(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let (findings, verdicts, inGroup) = try await executors[0].write { session in try Self.insertScene(session) }
            let store = FindingStore(executor: executors[0])
            // when
            let page = try #require(try await store.list(FindingFilter(), after: nil, limit: 1_000))
            // then every open finding, then the two verdicts no finding reproduces
            let offset = FindingStore.scannerKeyOffset
            #expect(page.items.map(\.key) == findings + [offset + verdicts[2], offset + verdicts[3]])
            let agreed = try #require(page.items.first { $0.source == "both" })
            #expect(agreed.purl == "pkg:deb/debian/openssl@3.0.11?arch=amd64" && agreed.advisory == "GHSA-1111")
            #expect(agreed.scannerFixedVersions == ["3.0.12", "3.0.13", "3.0.14"])
            // both of the group's advisories on that package agree; nothing else does
            let agreeing = page.items.filter { $0.source == "both" }
            #expect(agreeing.map(\.advisory) == ["GHSA-1111", "DEBIAN-CVE-2024-1"])
            #expect(agreeing.allSatisfy { $0.scannerFixedVersions == ["3.0.12", "3.0.13", "3.0.14"] })
            #expect(page.items.first { $0.source == "patchtrack" }?.scannerFixedVersions == nil)
            let zlib = try #require(page.items.first { $0.packageName == "zlib" })
            #expect(zlib.vulnerabilityId == "CVE-2024-1" && zlib.severity == "medium" && zlib.fixedVersion == nil)
            #expect(zlib.findingId == nil && zlib.state == "affected" && zlib.scannerFixedVersions == [])
            let curl = try #require(page.items.last)
            #expect(curl.vulnerabilityId == "UNKNOWN-1" && curl.severity == "high" && curl.fixedVersion == "8")

            // filters
            let scannerOnly = try #require(try await store.list(FindingFilter(source: "scanner"), after: nil, limit: 10))
            #expect(scannerOnly.items.map(\.packageName) == ["zlib", "curl"])
            let fixable = try #require(try await store.list(FindingFilter(fixable: true, source: "scanner"), after: nil, limit: 10))
            #expect(fixable.items.map(\.packageName) == ["curl"])
            let high = try #require(try await store.list(FindingFilter(minimumSeverity: .high, source: "scanner"), after: nil, limit: 10))
            #expect(high.items.map(\.packageName) == ["curl"])
            let group = try #require(try await store.list(FindingFilter(vulnerabilityId: "CVE-2024-1"), after: nil, limit: 100))
            #expect(group.items.contains { $0.packageName == "zlib" } && !group.items.contains { $0.packageName == "curl" })
            #expect(group.items.allSatisfy { $0.vulnerabilityId == "CVE-2024-1" })
            let none = try #require(try await store.list(FindingFilter(minimumSeverity: .critical), after: nil, limit: 10))
            #expect(none.items.isEmpty && none.nextCursor == nil)
            let both = try #require(try await store.list(FindingFilter(source: "both"), after: nil, limit: 10))
            #expect(both.items.map(\.key) == agreeing.map(\.key))
            #expect(try await store.list(FindingFilter(imageDigest: VEXFixture.digest(7)), after: nil, limit: 10) == nil)

            // the cursor crosses from findings to verdicts one row at a time
            let keys = try await VEXApplicabilityStoreTests.allPages(store, FindingFilter(), size: 1)
            #expect(keys == page.items.map(\.key))
            let afterFindings = try #require(try await store.list(FindingFilter(), after: findings.last, limit: 10))
            #expect(afterFindings.items.map(\.packageName) == ["zlib", "curl"])

            // known advisory ids, images affected
            #expect(try await store.knownAdvisoryIDs(["DSA-1", "UNKNOWN-1", "GHSA-3333"]) == ["DSA-1", "GHSA-3333"])
            #expect(try await store.knownAdvisoryIDs([]).isEmpty)
            let affected = try await store.images(affectedBy: "CVE-2024-1")
            #expect(affected.map(\.image.digest) == [VEXFixture.digest(3)])
            #expect(affected.map(\.findings) == [inGroup])
        }
    }

    @Test("the content fingerprint changes with a row and only then", arguments: TestEngine.available)
    func fingerprint(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let diagnostics = DiagnosticsStore(executor: executors[0])
            let before = try await diagnostics.contentFingerprint()
            #expect(try await diagnostics.contentFingerprint() == before)
            _ = try await executors[0].write { session in
                try session.execute("INSERT INTO repository (name, createdAt) VALUES ('ghcr.io/acme/x', '2024-01-01T00:00:00Z')")
            }
            #expect(try await diagnostics.contentFingerprint() != before)
            if engine == .postgres {
                await #expect(throws: DiagnosticsStore.Unsupported.self) { _ = try await diagnostics.schemaSQL() }
            } else {
                #expect(try await diagnostics.schemaSQL().contains("CREATE TABLE finding"))
            }
        }
    }
}
