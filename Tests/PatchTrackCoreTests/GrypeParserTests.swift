import Foundation
import Testing
@testable import PatchTrackCore

@Suite("GrypeParser")
struct GrypeParserTests {
    @Test("reads the grype 0.7 report of defectdojo-django 1.13.1")
    func grype07() throws {
        // given
        let data = try ScanFixtures.data("grype0.7-defectdojo-django-1.13.1-debian10.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.format == .grype)
        #expect(document.tool == ScanDocument.Tool(name: "grype", version: "0.7.0"))
        #expect(document.coverage == .findingsOnly)
        #expect(document.verdicts.count == 327)
        #expect(document.packages.count == 62)
        #expect(document.packages.filter { $0.type == "python" }.count == 6)
        #expect(document.skipped.isEmpty)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "debian", versionID: "10"))
        let image = try #require(document.image)
        #expect(image.reference == "defectdojo/defectdojo-django:1.13.1")
        #expect(image.digest == "sha256:91bc0f1478c6d26e04da5c2a59ac20262ec2661942418e2a3e7c77245d872658")
        #expect(image.imageID == "sha256:6132ee54d5553df52183325a70c37c1edbd028b86616ed57e3e0622809235e47")
        #expect(image.tags == ["defectdojo/defectdojo-django:1.13.1"])
        #expect(image.layers.count == 18)
        #expect(image.platform == "linux/amd64")
        let severities = Dictionary(grouping: document.verdicts, by: { $0.severity ?? "" }).mapValues(\.count)
        #expect(severities == ["Medium": 155, "Negligible": 106, "Low": 27, "High": 24, "Unknown": 10, "Critical": 5])
        #expect(document.verdicts.filter { !$0.fixedVersions.isEmpty }.count == 28)
        let postgres = try #require(document.verdicts.first {
            $0.advisoryID == "CVE-2019-3466" && $0.packageName == "postgresql-client"
        })
        #expect(postgres.installedVersion == "11+200+deb10u4")
        #expect(postgres.fixedVersions == ["200+deb10u3"])
        #expect(postgres.severity == "High")
        #expect(postgres.packagePURL == "pkg:deb/debian/postgresql-client@11+200+deb10u4?arch=all")
        #expect(postgres.fixState == nil)
        let bash = try #require(document.packages.first { $0.name == "bash" })
        #expect(bash.layer?.diffID == "sha256:3c0ac088a35b2eb53ecb64542748fdc813eb7b6444fb593f65e3d855b6cc64b2")
    }

    @Test("reads the grype 0.66 report of keycloak on ubi9: upstreams, fix state, namespace")
    func grype066() throws {
        // given
        let data = try ScanFixtures.data("grype0.66-keycloak-rhel9.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.tool == ScanDocument.Tool(name: "grype", version: "0.66.0"))
        #expect(document.createdAt == "2023-09-01T08:13:42.20194-04:00")
        #expect(document.verdicts.count == 6)
        #expect(document.packages.count == 6)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "redhat", versionID: "9.1"))
        let image = try #require(document.image)
        #expect(image.digest == "sha256:d1630d3eb8285a978301bcefc5b223e564ae300750af2fc9ea3f413c5376a47e")
        #expect(image.repoDigests == ["keycloak/keycloak@sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50"])
        #expect(image.labels["org.opencontainers.image.source"] == "https://github.com/keycloak-rel/keycloak-rel")
        #expect(image.layers.count == 4)
        let nspr = try #require(document.packages.first { $0.name == "nspr" })
        #expect(nspr.sourceName == "nss")
        #expect(nspr.sourceVersion == "3.79.0-17.el9_1")
        #expect(nspr.ref == "ff2aefb138ebd4bf")
        let verdict = try #require(document.verdicts.first { $0.packageName == "nspr" })
        #expect(verdict.advisoryID == "CVE-2020-12413")
        #expect(verdict.fixState == "wont-fix")
        #expect(verdict.fixedVersions.isEmpty)
        #expect(verdict.severity == "Low")
        #expect(verdict.dataSource == "redhat:distro:redhat:9")
        #expect(verdict.packageRef == nspr.ref)
    }

    @Test("keeps related ids other than the match's own and reads directory targets")
    func relatedAndDirectory() throws {
        let json = """
            {"matches":[{"vulnerability":{"id":"GHSA-xxxx-yyyy-zzzz","severity":"High","fix":{"versions":["2.0.1"],"state":"fixed"}},
              "relatedVulnerabilities":[{"id":"CVE-2024-0001"},{"id":"GHSA-xxxx-yyyy-zzzz"}],
              "matchDetails":[{"type":"exact-direct-match"}],
              "artifact":{"name":"lodash","version":"2.0.0","type":"npm","purl":"pkg:npm/lodash@2.0.0","locations":[]}}],
             "source":{"type":"directory","target":"/app"},"descriptor":{"name":"grype","version":"0.80.0"}}
            """
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.subjectName == "/app")
        #expect(document.image == nil)
        #expect(document.verdicts.first?.relatedAdvisoryIDs == ["CVE-2024-0001"])
        #expect(document.verdicts.first?.fixedVersions == ["2.0.1"])
    }
}
