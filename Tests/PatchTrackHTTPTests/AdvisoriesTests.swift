import Foundation
import HTTPTypes
import Testing
import ZIPFoundation
import Hummingbird

@testable import PatchTrackHTTP

@Suite("Advisories and matching")
struct AdvisoriesTests {
    static let debianImage = digest("d")
    static let otherImage = digest("e")

    /// The components: each line says whether the fixture advisories must match it, read from the records by hand.
    static let debian12 = [
        "pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12",  // DSA-5474-1: affected, fix 3.20230808.1~deb12u1
        "pkg:golang/stdlib@go1.18.5",  // GO-2022-0969: affected (fixed 1.18.6)
        "pkg:golang/golang.org/x/net@v0.0.0-20220906165146-f3363e06e74c",  // GO-2022-0969: exactly at fixed, not affected
        "pkg:pypi/qutebrowser@1.4.0",  // PYSEC-2018-27: affected, fix 1.4.1
        "pkg:pypi/scipy@0.12.0",  // PYSEC-2019-156: withdrawn, never matches
        "pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.16",  // GHSA-77rv: affected, fix 2.0.17
    ]
    static let debian11AtFix = [
        "pkg:deb/debian/intel-microcode@3.20230808.1~deb11u1?arch=amd64&distro=debian-11",  // exactly at fixed
        "pkg:pypi/qutebrowser@1.4.1",  // exactly at fixed
        "pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.17",  // exactly at fixed
    ]
    static let records = [
        "debian/DSA-5474-1.json", "go/GO-2022-0969.json", "pypi/PYSEC-2018-27.json",
        "pypi/PYSEC-2019-156-withdrawn-3001.json", "ghsa/GHSA-77rv-6vfw-x4gc.json",
    ]
    static let expected = [
        "intel-microcode DSA-5474-1 3.20230808.1~deb12u1",
        "org.springframework.security.oauth:spring-security-oauth GHSA-77rv-6vfw-x4gc 2.0.17",
        "qutebrowser PYSEC-2018-27 1.4.1",
        "stdlib GO-2022-0969 1.18.6",
    ]

    private func postRecords(_ client: Client, _ token: String) async throws {
        for path in Self.records {
            let reply = try await client.send(.post, "/v1/advisories", token: token, body: try advisoryFixture(path))
            #expect(reply.status == .created, "\(path): \(reply.text)")
        }
    }

    private func postScans(_ client: Client, _ token: String) async throws {
        let first = try await client.send(
            .post, "/v1/scans", token: token, body: cycloneDX(image: Self.debianImage, os: ("debian", "12"), purls: Self.debian12))
        #expect(first.status == .created, "\(first.text)")
        #expect(first.json["components"] as? Int == Self.debian12.count)
        let second = try await client.send(
            .post, "/v1/scans", token: token, body: cycloneDX(image: Self.otherImage, os: ("debian", "11"), purls: Self.debian11AtFix))
        #expect(second.status == .created, "\(second.text)")
    }

    @Test("real records against real-shaped SBOMs: the right findings, in both directions")
    func bothDirections() async throws {
        for advisoriesFirst in [true, false] {
            let environment = try await TestEnvironment(maxBodySize: 8 << 20)
            defer { environment.remove() }
            try await environment.withClient { client in
                if advisoriesFirst {
                    try await postRecords(client, environment.ingest)
                    try await postScans(client, environment.ingest)
                } else {
                    try await postScans(client, environment.ingest)
                    try await postRecords(client, environment.ingest)
                }
                let findings = try await client.send(.get, "/v1/images/\(Self.debianImage)/findings", token: environment.read)
                #expect(findings.status == .ok)
                #expect(findings.findingTriples == Self.expected, "advisories first: \(advisoriesFirst)")
                let atFix = try await client.send(.get, "/v1/images/\(Self.otherImage)/findings", token: environment.read)
                #expect(atFix.findingTriples.isEmpty, "advisories first: \(advisoriesFirst)")
            }
        }
    }

    @Test("distro advisories match through the source package, only in their release")
    func sourcePackagesAndReleases() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let purls = [
                "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12",  // binary of source openssl
                "pkg:deb/debian/openssl-provider-legacy@3.0.9-1?arch=amd64&upstream=openssl-legacy&distro=debian-12",
            ]
            _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: purls))
            let records = [
                osvRecord(id: "TEST-DEB12-OPENSSL", ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1~deb12u1"),
                osvRecord(id: "TEST-DEB11-OPENSSL", ecosystem: "Debian:11", name: "openssl", fixed: "1.1.1w-0+deb11u1"),
                // Keyed by a binary name: Debian advisories name source packages, so this must not match libssl3.
                osvRecord(id: "TEST-DEB12-LIBSSL3", ecosystem: "Debian:12", name: "libssl3", fixed: "3.0.11-1"),
            ]
            let posted = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: "[" + records.joined(separator: ",") + "]")
            #expect(posted.json["created"] as? Int == 3)
            let findings = try await client.send(.get, "/v1/images/\(digest("1"))/findings", token: environment.read)
            #expect(findings.findingTriples == ["libssl3 TEST-DEB12-OPENSSL 3.0.11-1~deb12u1"])
        }
    }

    @Test("aliases tie records into one vulnerability; a newer record replaces, an older one is ignored")
    func aliasesAndModified() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(
                .post, "/v1/scans", token: environment.ingest,
                body: cycloneDX(image: digest("2"), purls: ["pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12"]))
            let dsa = osvRecord(id: "TEST-DSA-1", aliases: ["CVE-2099-0001"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.10-1")
            let ghsa = osvRecord(id: "TEST-GHSA-1", aliases: ["CVE-2099-0001"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.10-1")
            _ = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: "[\(dsa),\(ghsa)]")
            let findings = try await client.send(.get, "/v1/findings", token: environment.read)
            let items = try #require(findings.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(Set(items.compactMap { $0["vulnerability_id"] as? String }) == ["CVE-2099-0001"])
            let byAlias = try await client.send(.get, "/v1/advisories/CVE-2099-0001", token: environment.read)
            #expect(byAlias.status == .ok)
            #expect((byAlias.json["related"] as? [String])?.count == 1)
            let images = try await client.send(.get, "/v1/advisories/CVE-2099-0001/images", token: environment.read)
            #expect((images.json["items"] as? [Any])?.count == 1)

            // A newer modified replaces (now fixed below the installed version: the finding resolves).
            let newer = osvRecord(
                id: "TEST-DSA-1", modified: "2024-06-01T00:00:00Z", aliases: ["CVE-2099-0001"], ecosystem: "Debian:12", name: "openssl",
                introduced: "3.0.10-1", fixed: "3.0.12-1")
            let updated = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: newer)
            #expect(updated.json["updated"] as? Int == 1)
            let older = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: dsa)
            #expect(older.status == .ok)
            #expect(older.json["older"] as? Int == 1)
            let same = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: newer)
            #expect(same.json["unchanged"] as? Int == 1)
            let after = try await client.send(.get, "/v1/findings", token: environment.read)
            #expect(after.findingTriples == ["libssl3 TEST-GHSA-1 3.0.10-1"])
            let resolved = try await client.send(.get, "/v1/findings?state=resolved", token: environment.read)
            #expect(resolved.findingTriples == ["libssl3 TEST-DSA-1 3.0.10-1"])
        }
    }

    @Test("OpenVEX not_affected suppresses a finding, which stays visible with its statement")
    func vexSuppression() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(
                .post, "/v1/scans", token: environment.ingest,
                body: cycloneDX(image: digest("3"), purls: ["pkg:pypi/qutebrowser@1.4.0"]))
            _ = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: try advisoryFixture("pypi/PYSEC-2018-27.json"))
            let vex = """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "test",
                 "timestamp": "2026-11-01T00:00:00Z", "version": 1,
                 "statements": [{"vulnerability": {"name": "GHSA-wgmx-52ph-qqcw"},
                   "products": [{"@id": "pkg:oci/app@\(digest("3").replacingOccurrences(of: ":", with: "%3A"))",
                                 "subcomponents": [{"@id": "pkg:pypi/qutebrowser@1.4.0"}]}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
                """
            let posted = try await client.send(.post, "/v1/vex", token: environment.ingest, body: vex)
            #expect(posted.status == .created, "\(posted.text)")
            #expect(posted.json["statements"] as? Int == 1)
            let open = try await client.send(.get, "/v1/images/\(digest("3"))/findings?state=affected", token: environment.read)
            #expect(open.findingTriples.isEmpty)
            let suppressed = try await client.send(.get, "/v1/images/\(digest("3"))/findings", token: environment.read)
            let item = try #require((suppressed.json["items"] as? [[String: Any]])?.first)
            #expect(item["state"] as? String == "suppressed")
            #expect((item["suppressed_by"] as? [String: Any])?["justification"] as? String == "vulnerable_code_not_in_execute_path")
            // Posting the same document again replaces its statements: still one.
            let again = try await client.send(.post, "/v1/vex", token: environment.ingest, body: vex)
            #expect(again.json["replaced"] as? Int == 1)
        }
    }

    @Test("the real VEX documents of both formats are read")
    func realVEXDocuments() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let base = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PatchTrackCoreTests/Fixtures/vex")
        try await environment.withClient { client in
            let openVEX = try String(contentsOf: base.appending(path: "vexctl-sample-2vulns.json"), encoding: .utf8)
            let first = try await client.send(.post, "/v1/vex", token: environment.ingest, body: openVEX)
            #expect(first.json["format"] as? String == "openvex")
            #expect(first.json["statements"] as? Int == 2)
            let cyclone = try String(contentsOf: base.appending(path: "cisa-case1-vex-not_affected.json"), encoding: .utf8)
            let second = try await client.send(.post, "/v1/vex", token: environment.ingest, body: cyclone)
            #expect(second.json["format"] as? String == "cyclonedx")
            // Its product (ABC@4.2) names no image or package: reported, not stored.
            #expect(second.json["statements"] as? Int == 0)
            #expect((second.json["skipped"] as? [Any])?.isEmpty == false)
        }
    }

    @Test("scanner verdicts PatchTrack cannot reproduce are listed with the reason")
    func disagreements() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 << 20)
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(
                .post, "/v1/scans?image=ghcr.io/acme/alpine:3.10@\(digest("4"))", token: environment.ingest,
                body: try scanFixture("trivy-alpine-310.json"))
            let scannerOnly = try await client.send(.get, "/v1/images/\(digest("4"))/findings?source=scanner", token: environment.read)
            #expect((scannerOnly.json["items"] as? [Any])?.count == 4)
            let list = try await client.send(.get, "/v1/images/\(digest("4"))/disagreements", token: environment.read)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 4)
            #expect(items.allSatisfy { ($0["reason"] as? String)?.contains("not loaded") == true })
        }
    }

    @Test("bad advisory input: 400 for malformed JSON, 422 when every record is rejected, nothing written")
    func badInput() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        try await environment.withClient { client in
            let malformed = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: "{\"id\": ")
            #expect(malformed.status == .badRequest)
            let rejected = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: #"[{"id": "X"}, {"modified": "2024-01-01T00:00:00Z"}]"#)
            #expect(rejected.status == .unprocessableContent)
            #expect(rejected.errorFields == ["[0]", "[1]"])
            let notOSV = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: "42")
            #expect(notOSV.status.code >= 400 && notOSV.status.code < 500)
            let forbidden = try await client.send(.post, "/v1/advisories", token: environment.read, body: "[]")
            #expect(forbidden.status == .forbidden)
            let unknown = try await client.send(.get, "/v1/advisories/CVE-1999-0000", token: environment.read)
            #expect(unknown.status == .notFound)
            let badFilter = try await client.send(.get, "/v1/findings?min_severity=extreme", token: environment.read)
            #expect(badFilter.status == .badRequest)
        }
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }
}

@Suite("Advisory archives")
struct AdvisoryArchiveTests {
    @Test("a zip of records (osv.dev's all.zip layout) is imported record by record")
    func zipArchive() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 << 20)
        defer { environment.remove() }
        let archive = try Archive(accessMode: .create)
        let files = [
            ("DSA-5474-1.json", try advisoryFixture("debian/DSA-5474-1.json")),
            ("GO-2022-0969.json", try advisoryFixture("go/GO-2022-0969.json")),
            ("broken.json", #"{"id": "TEST-BROKEN"}"#),
            ("README.txt", "not a record"),
        ]
        for (name, text) in files {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let zip = try #require(archive.data)
        let reply = try await environment.withClient { client in
            try await client.client.execute(
                uri: "/v1/advisories", method: .post,
                headers: [.authorization: "Bearer \(environment.ingest)", .contentType: "application/zip"],
                body: ByteBuffer(bytes: zip)
            ) { response in
                Client.Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
            }
        }
        #expect(reply.status == .created)
        #expect(reply.json["created"] as? Int == 2)
        #expect(reply.json["rejected"] as? Int == 1)
        let rejected = ((reply.json["items"] as? [[String: Any]]) ?? []).first { $0["outcome"] as? String == "rejected" }
        #expect(rejected?["position"] as? String == "broken.json")
    }
}
