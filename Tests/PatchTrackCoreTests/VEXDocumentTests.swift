import Foundation
import Testing

import PatchTrackCore

/// OpenVEX and CycloneDX VEX documents read into statements.
@Suite struct VEXDocumentTests {
    static let nginxDigest = "sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"

    // MARK: - OpenVEX

    @Test func openVEXSampleFromVexctl() throws {
        // when
        let document = try VEXDocument.parse(try MatchingFixtures.data("vex/vexctl-sample-2vulns"))
        // then
        #expect(document.format == .openVEX)
        #expect(document.author == "The OpenVEX Project")
        #expect(document.version == 1)
        #expect(document.timestamp?.utc == "2023-08-17T01:55:22.076684217Z")
        #expect(document.skipped.isEmpty)
        #expect(document.statements.count == 2)
        let first = document.statements[0]
        let image = VEXSubject.image(digest: try Digest(parsing: Self.nginxDigest), repository: nil)
        #expect(first.vulnerability == "CVE-2023-27103")
        #expect(first.aliases == ["SNYK-DEBIAN12-LIBDE265-3361563"])
        #expect(first.products == [VEXProduct(subject: image)])
        #expect(first.status == .notAffected)
        #expect(first.justification == "component_not_present")
        #expect(first.timestamp?.utc == "2023-08-16T01:55:22.076684217Z")
        #expect(first.path == "statements[0]")
        let second = document.statements[1]
        #expect(second.vulnerability == "CVE-2007-5686")
        #expect(second.status == .fixed)
        // no statement timestamp: the document's is inherited
        #expect(second.timestamp == document.timestamp)
        #expect(second.vulnerabilityIDs == ["CVE-2007-5686", "SNYK-DEBIAN12-SHADOW-1559391"])
    }

    @Test func openVEXProductsWithSubcomponentsAndLegacyShapes() throws {
        let json = #"""
            {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Team",
             "timestamp": "2024-03-01T00:00:00Z", "version": 2,
             "statements": [
              {"vulnerability": {"name": "CVE-2024-0001"},
               "products": [{"@id": "pkg:oci/app@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0?repository_url=ghcr.io/acme/app",
                             "subcomponents": [{"@id": "pkg:deb/debian/openssl@3.0.9-1?distro=debian-12"},
                                               {"identifiers": {"purl": "pkg:golang/golang.org/x/net@v0.1.0"}}]}],
               "status": "affected", "action_statement": "Rebuild on the new base image"},
              {"vulnerability": "CVE-2024-0002", "products": ["ghcr.io/acme/app"],
               "subcomponents": ["pkg:npm/left-pad@1.0.0"], "status": "under_investigation"},
              {"vulnerability": {"name": "CVE-2024-0003"}, "products": [{"@id": "ghcr.io/acme/app"}],
               "status": "not_affected"},
              {"vulnerability": {"name": "CVE-2024-0004"}, "products": [{"@id": "ghcr.io/acme/app"}],
               "status": "maybe"},
              {"vulnerability": {"name": "CVE-2024-0005"}, "products": [], "status": "fixed"},
              {"vulnerability": {"name": "CVE-2024-0006"}, "products": [{"@id": "ghcr.io/acme/app:latest"}],
               "status": "not_affected", "impact_statement": "Not reachable"}
             ]}
            """#
        let document = try VEXDocument.parse(Data(json.utf8))
        #expect(document.statements.map(\.vulnerability) == ["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0006"])
        #expect(document.skipped.map(\.path) == ["statements[2]", "statements[3]", "statements[4]"])
        let repository = try RepositoryName(parsing: "ghcr.io/acme/app")
        let first = document.statements[0]
        #expect(first.products.map(\.subject) == [
            .image(digest: try Digest(parsing: Self.nginxDigest), repository: repository),
        ])
        #expect(first.subcomponents == [
            .component(try PURL(parsing: "pkg:deb/debian/openssl@3.0.9-1?distro=debian-12")),
            .component(try PURL(parsing: "pkg:golang/golang.org/x/net@v0.1.0")),
        ])
        #expect(first.actionStatement == "Rebuild on the new base image")
        let legacy = document.statements[1]
        #expect(legacy.products == [VEXProduct(
            subject: .repository(repository), subcomponents: [.component(try PURL(parsing: "pkg:npm/left-pad@1.0.0"))])])
        #expect(legacy.status == .underInvestigation)
        #expect(legacy.timestamp?.utc == "2024-03-01T00:00:00Z")
        // a tag moves: a claim about it is kept but names no image
        #expect(document.statements[2].products.map(\.subject) == [.unresolved("ghcr.io/acme/app:latest")])
    }

    @Test func openVEXWithForeignContextIsRefused() {
        let json = #"{"@context": "https://example.com/ns", "statements": []}"#
        #expect(throws: IngestError.self) { try VEXDocument.parse(Data(json.utf8)) }
    }

    // MARK: - CycloneDX

    @Test func cycloneDXCisaNotAffectedExample() throws {
        let document = try VEXDocument.parse(try MatchingFixtures.data("vex/cisa-case1-vex-not_affected"))
        #expect(document.format == .cycloneDX)
        #expect(document.skipped.isEmpty)
        let statement = try #require(document.statements.first)
        #expect(document.statements.count == 1)
        #expect(statement.vulnerability == "CVE-2021-44228")
        #expect(statement.status == .notAffected)
        #expect(statement.justification == "code_not_present")
        #expect(statement.responses == ["will_not_fix"])
        #expect(statement.impactStatement?.hasPrefix("This version of Product ABC is not affected") == true)
        // the product is metadata.component, which has no purl: kept by name, matching nothing
        #expect(statement.products == [VEXProduct(subject: .unresolved("ABC@4.2"))])
        #expect(statement.timestamp?.utc == "2022-03-03T00:00:00Z")
    }

    @Test func cycloneDXStatesMapToVEXStatuses() {
        let expected: [String: VEXStatus?] = [
            "not_affected": .notAffected, "false_positive": .notAffected, "exploitable": .affected,
            "resolved": .fixed, "resolved_with_pedigree": .fixed, "in_triage": .underInvestigation, "unknown": nil,
        ]
        for (state, status) in expected {
            #expect(VEXStatus(cycloneDXState: state) == status, "\(state)")
        }
    }

    @Test func cycloneDXComponentsInsideAnImageAreSubcomponents() throws {
        let json = #"""
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
             "metadata": {"timestamp": "2024-04-01T00:00:00Z",
               "component": {"type": "container", "bom-ref": "image", "name": "ghcr.io/acme/app",
                             "version": "sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"}},
             "components": [{"type": "library", "bom-ref": "lib-1", "name": "openssl",
                             "purl": "pkg:deb/debian/openssl@3.0.9-1?distro=debian-12",
                             "components": [{"type": "library", "bom-ref": "nested", "name": "x", "purl": "pkg:npm/x@1.0.0"}]}],
             "vulnerabilities": [
               {"id": "CVE-2024-0001", "references": [{"id": "GHSA-aaaa-bbbb-cccc"}],
                "analysis": {"state": "exploitable", "lastUpdated": "2024-04-02T00:00:00Z"},
                "recommendation": "Upgrade openssl", "affects": [{"ref": "lib-1"}, {"ref": "nested"}]},
               {"id": "CVE-2024-0002", "analysis": {"state": "resolved"}, "affects": [{"ref": "image"}]},
               {"id": "CVE-2024-0003", "affects": [{"ref": "lib-1"}]},
               {"id": "CVE-2024-0004", "analysis": {"state": "in_triage"},
                "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib-9"}]}
             ]}
            """#
        let document = try VEXDocument.parse(Data(json.utf8))
        let image = VEXSubject.image(
            digest: try Digest(parsing: Self.nginxDigest), repository: try RepositoryName(parsing: "ghcr.io/acme/app"))
        #expect(document.id == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        #expect(document.statements.map(\.vulnerability) == ["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0004"])
        #expect(document.skipped.map(\.path) == ["vulnerabilities[2]"])
        let exploitable = document.statements[0]
        #expect(exploitable.status == .affected)
        #expect(exploitable.aliases == ["GHSA-aaaa-bbbb-cccc"])
        #expect(exploitable.actionStatement == "Upgrade openssl")
        #expect(exploitable.timestamp?.utc == "2024-04-02T00:00:00Z")
        #expect(exploitable.products == [
            VEXProduct(subject: image, subcomponents: [
                .component(try PURL(parsing: "pkg:deb/debian/openssl@3.0.9-1?distro=debian-12"))]),
            VEXProduct(subject: image, subcomponents: [.component(try PURL(parsing: "pkg:npm/x@1.0.0"))]),
        ])
        #expect(document.statements[1].products == [VEXProduct(subject: image)])
        #expect(document.statements[1].status == .fixed)
        #expect(document.statements[2].products.map(\.subject)
            == [.unresolved("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib-9")])
    }

    @Test func documentThatIsNeitherFormatIsRefused() {
        #expect(throws: IngestError.self) { try VEXDocument.parse(Data(#"{"spdxVersion": "SPDX-2.3"}"#.utf8)) }
        #expect(throws: IngestError.self) { try VEXDocument.parse(Data("not json".utf8)) }
    }

    // MARK: - Subjects

    @Test func subjectsFromIdentifiers() throws {
        let digest = try Digest(parsing: Self.nginxDigest)
        #expect(VEXSubject(identifier: "pkg:oci/nginx@sha256%3A" + digest.hex) == .image(digest: digest, repository: nil))
        #expect(VEXSubject(identifier: "pkg:oci/nginx@sha256:" + digest.hex) == .image(digest: digest, repository: nil))
        #expect(VEXSubject(identifier: "pkg:oci/nginx?repository_url=index.docker.io/library/nginx")
            == .repository(try RepositoryName(parsing: "docker.io/library/nginx")))
        #expect(VEXSubject(identifier: "nginx@sha256:" + digest.hex)
            == .image(digest: digest, repository: try RepositoryName(parsing: "docker.io/library/nginx")))
        #expect(VEXSubject(identifier: "nginx") == .repository(try RepositoryName(parsing: "docker.io/library/nginx")))
        #expect(VEXSubject(identifier: "pkg:pypi/django@4.2").purl == (try PURL(parsing: "pkg:pypi/django@4.2")))
        #expect(VEXSubject(identifier: "https://example.com/product/1") == .unresolved("https://example.com/product/1"))
    }
}
