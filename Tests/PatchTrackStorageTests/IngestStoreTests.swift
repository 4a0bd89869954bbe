import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Scan and advisory stores, on each engine")
struct IngestStoreTests {
    typealias F = IngestFixtures

    static let libssl = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12"
    /// The same purl as stored: canonical, qualifiers sorted.
    static let libsslStored = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&distro=debian-12&upstream=openssl"
    /// 600 versions of one npm package: more rows than one multi-row statement holds, for components, keys and
    /// findings alike.
    static let leftPads = (0..<600).map { "pkg:npm/left-pad@1.0.\($0)" }
    static var records: [[String: Any]] {
        [
            F.osv(id: "TEST-DSA-1", aliases: ["CVE-2099-0001"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1~deb12u1"),
            F.osv(id: "TEST-GHSA-1", aliases: ["CVE-2099-0001"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1~deb12u1"),
            F.osv(id: "TEST-NPM-1", ecosystem: "npm", name: "left-pad", fixed: "2.0.0"),
        ]
    }

    @Test("a scan and advisories give the same findings in either order", arguments: TestEngine.available)
    func eitherOrder(engine: TestEngine) async throws {
        let sbom = F.sbom(image: F.digest("a1"), purls: [Self.libssl] + Self.leftPads)
        let scanFirst = try await engine.withDatabase { executors in
            let scan = try await F.ingest(sbom, ScanStore(executor: executors[0]))
            let items = try await AdvisoryStore(executor: executors[0]).ingest(try F.entries(Self.records))
            #expect(scan.isNew && scan.replacedComponents && scan.componentCount == 601)
            #expect(items.map(\.outcome) == [.created, .created, .created])
            return try await F.snapshot(executors[0])
        }
        let advisoriesFirst = try await engine.withDatabase { executors in
            _ = try await AdvisoryStore(executor: executors[0]).ingest(try F.entries(Self.records))
            try await F.ingest(sbom, ScanStore(executor: executors[0]))
            return try await F.snapshot(executors[0])
        }
        #expect(scanFirst == advisoriesFirst)
        #expect(scanFirst.filter { $0.contains(" open ") }.count == 602)
        #expect(scanFirst.contains("\(F.digest("a1")) \(Self.libsslStored) TEST-DSA-1 3.0.11-1~deb12u1 open CVE-2099-0001"))
        #expect(scanFirst.contains("component: 601"))
    }

    @Test("reads: scans, components by image and purl, advisories by id and alias", arguments: TestEngine.available)
    func reads(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let scans = ScanStore(executor: executors[0])
            let advisories = AdvisoryStore(executor: executors[0])
            let sbom = F.sbom(image: F.digest("b2"), purls: [Self.libssl] + Self.leftPads.prefix(3))
            try await F.ingest(sbom, scans)
            _ = try await advisories.ingest(try F.entries(Self.records))
            // when
            let again = try await F.ingest(sbom, scans)
            let history = try #require(try await scans.scans(imageDigest: F.digest("b2")))
            let npm = try #require(
                try await scans.components(
                    imageDigest: F.digest("b2"), ecosystem: "NPM", name: nil, purlPrefix: "pkg:npm/left-pad@1.0.", after: nil, limit: 2))
            let rest = try #require(
                try await scans.components(
                    imageDigest: F.digest("b2"), ecosystem: "npm", name: nil, purlPrefix: nil, after: npm.nextCursor, limit: 2))
            let byPURL = try await scans.components(purlBase: "pkg:deb/debian/libssl3", version: nil, after: nil, limit: 10)
            let dsa = try #require(try await advisories.advisory("TEST-DSA-1"))
            let byAlias = try #require(try await advisories.advisory("CVE-2099-0001"))
            // then
            #expect(!again.isNew && history.count == 1 && history[0].componentCount == 4)
            #expect(history[0].countsByEcosystem == ["Debian": 1, "npm": 3])
            #expect(npm.items.map(\.version) == ["1.0.0", "1.0.1"] && npm.nextCursor != nil)
            #expect(rest.items.map(\.version) == ["1.0.2"] && rest.nextCursor == nil)
            #expect(byPURL.items.map(\.imageDigest) == [F.digest("b2")])
            #expect(dsa.aliases == ["CVE-2099-0001"] && dsa.related == ["TEST-GHSA-1"] && dsa.openFindings == 1)
            #expect(dsa.vulnerabilityId == "CVE-2099-0001" && byAlias.osvId == "TEST-DSA-1")
            #expect(try await advisories.vulnerabilityID(of: "TEST-GHSA-1") == "CVE-2099-0001")
            #expect(try await scans.scans(imageDigest: F.digest("ff")) == nil)
        }
    }

    @Test("a newer component set without the package resolves its findings", arguments: TestEngine.available)
    func resolution(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let scans = ScanStore(executor: executors[0])
            try await F.ingest(F.sbom(image: F.digest("c3"), purls: [Self.libssl], timestamp: "2026-01-01T00:00:00Z"), scans)
            _ = try await AdvisoryStore(executor: executors[0]).ingest(try F.entries(Self.records))
            let older = try await F.ingest(
                F.sbom(image: F.digest("c3"), purls: Array(Self.leftPads.prefix(1)), timestamp: "2025-01-01T00:00:00Z"), scans)
            let newer = try await F.ingest(
                F.sbom(image: F.digest("c3"), purls: Array(Self.leftPads.prefix(1)), timestamp: "2026-02-01T00:00:00Z"), scans)
            let snapshot = try await F.snapshot(executors[0])
            #expect(!older.replacedComponents && newer.replacedComponents)
            #expect(snapshot.filter { $0.contains("TEST-DSA-1 ") } == ["\(F.digest("c3")) \(Self.libsslStored) TEST-DSA-1 3.0.11-1~deb12u1 resolved CVE-2099-0001"])
            #expect(snapshot.contains("\(F.digest("c3")) pkg:npm/left-pad@1.0.0 TEST-NPM-1 2.0.0 open TEST-NPM-1"))
        }
    }

    @Test("one document with a record, its newer version and the record again keeps the newer", arguments: TestEngine.available)
    func versionsInOneDocument(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: an image with both packages
            try await F.ingest(
                F.sbom(image: F.digest("d1"), purls: ["pkg:npm/left-pad@1.0.0", "pkg:npm/right-pad@1.0.0"]), ScanStore(executor: executors[0]))
            let first = F.osv(id: "TEST-V-1", ecosystem: "npm", name: "left-pad", fixed: "2.0.0")
            let second = F.osv(id: "TEST-V-1", modified: "2024-02-01T00:00:00Z", ecosystem: "npm", name: "right-pad", fixed: "2.0.0")
            // when
            let items = try await AdvisoryStore(executor: executors[0]).ingest(try F.entries([first, second, first]))
            // then: the newer version's key and open finding only (the first version's finding resolved, as when
            // posted one after the other)
            #expect(items.map(\.outcome) == [.created, .updated, .older])
            let snapshot = try await F.snapshot(executors[0])
            #expect(snapshot.filter { $0.contains("TEST-V-1") } == [
                "\(F.digest("d1")) pkg:npm/left-pad@1.0.0 TEST-V-1 2.0.0 resolved TEST-V-1",
                "\(F.digest("d1")) pkg:npm/right-pad@1.0.0 TEST-V-1 2.0.0 open TEST-V-1",
            ])
            #expect(snapshot.contains("advisoryKey: 1"))
        }
    }

    @Test("batch inserts return their rows in order across statements and count what they changed", arguments: TestEngine.available)
    func batchInsert(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let names = (0..<1_234).map { "registry.example.com/batch/r\(String(format: "%04d", 1_233 - $0))" }
            let (returned, repeated) = try await executors[0].write { session in
                var batch = SQLBatchInsert(into: "repository", columns: ["name", "createdAt"], tail: "ON CONFLICT (name) DO NOTHING RETURNING id, name")
                for name in names { batch.append(name, "2026-01-01T00:00:00.000Z") }
                let first = try session.insert(batch)
                let second = try session.insert(batch)
                return (first, second)
            }
            #expect(try returned.rows.map { try $0.decode("name", as: String.self) } == names)
            #expect(returned.changed == names.count && repeated.changed == 0 && repeated.rows.isEmpty)
            let ids = try returned.rows.map { try $0.decode("id", as: Int64.self) }
            #expect(ids == ids.sorted())
        }
    }
}
