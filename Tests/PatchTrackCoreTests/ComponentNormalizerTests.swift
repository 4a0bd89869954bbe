import Foundation
import Testing
@testable import PatchTrackCore

@Suite("ComponentNormalizer")
struct ComponentNormalizerTests {
    private func normalized(_ name: String) throws -> ComponentNormalizer.Output {
        ComponentNormalizer.normalize(try ScanDocument.parse(ScanFixtures.data(name)))
    }

    @Test("normalises Syft's alpine SBOM: old pkg:alpine type, origin as source, release from distro")
    func syftAlpine() throws {
        // given / when
        let output = try normalized("syft-cdx1.4-alpine3.16.2.json")
        // then
        #expect(output.components.count == 14)
        #expect(output.skipped.isEmpty)
        #expect(output.components.allSatisfy { $0.release == EcosystemRelease(ecosystem: .alpine, release: "3.16") })
        let libssl = try #require(output.components.first { $0.name == "libssl1.1" })
        #expect(libssl.sourceName == "openssl")
        #expect(libssl.version == "1.1.1q-r0")
        #expect(libssl.purl.description
            == "pkg:alpine/libssl1.1@1.1.1q-r0?arch=x86_64&distro=alpine-3.16.2&upstream=openssl")
        #expect(libssl.ecosystemPackage.advisoryNames == ["openssl"])
        #expect(libssl.layer?.diffID == "sha256:994393dc58e7931862558d06e46aa2bb17487044f670f310dffe1d24e4d1eec7")
    }

    @Test("normalises the kubectl SBOM and skips Go main modules without a version")
    func kubectl() throws {
        let output = try normalized("syft-spdx2.3-kubectl-image.json")
        #expect(output.components.count == 79)
        #expect(output.skipped.count == 9)
        #expect(output.skipped.allSatisfy { $0.reason == "Go main module built from source, version (devel)" })
        #expect(output.components.filter { $0.ecosystem == .go }.count == 76)
        let tzdata = try #require(output.components.first { $0.name == "tzdata" })
        #expect(tzdata.release == EcosystemRelease(ecosystem: .debian, release: "11"))
        #expect(tzdata.version == "2021a-1+deb11u10")
        #expect(tzdata.purl.description == "pkg:deb/debian/tzdata@2021a-1%2Bdeb11u10?arch=all&distro=debian-11")
        let kubernetes = try #require(output.components.first { $0.name == "k8s.io/kubernetes" })
        #expect(kubernetes.version == "v1.28.1")
        #expect(kubernetes.release.release == nil)
    }

    @Test("takes the release from the document's OS when the purl has no distro qualifier (grype 0.7)")
    func releaseFromOperatingSystem() throws {
        let output = try normalized("grype0.7-defectdojo-django-1.13.1-debian10.json")
        #expect(output.components.count == 62)
        let bash = try #require(output.components.first { $0.name == "bash" })
        #expect(bash.purl.qualifiers["distro"] == nil)
        #expect(bash.release == EcosystemRelease(ecosystem: .debian, release: "10"))
        let pip = try #require(output.components.first { $0.name == "pip" })
        #expect(pip.ecosystem == .pypi)
        #expect(pip.release.release == nil)
    }

    @Test("reads Trivy's distro qualifiers, rpm epochs and source packages")
    func trivy() throws {
        let centos = try normalized("trivy-centos-7.json")
        let openssl = try #require(centos.components.first { $0.name == "openssl-libs" })
        #expect(openssl.version == "1:1.0.2k-16.el7")
        #expect(openssl.release == EcosystemRelease(ecosystem: .centOS, release: "7"))

        let alpine = try normalized("trivy-alpine-310.json")
        #expect(alpine.components.map(\.release) == Array(
            repeating: EcosystemRelease(ecosystem: .alpine, release: "3.10"), count: 2))

        let fluentd = try normalized("trivy-cdx1.7-fluentd-multiple-lockfiles.json")
        #expect(fluentd.components.count == 160)
        let bsdutils = try #require(fluentd.components.first { $0.name == "bsdutils" })
        #expect(bsdutils.sourceName == "util-linux")
        #expect(bsdutils.sourceVersion == "2.33.1-0.1")
        #expect(bsdutils.ecosystemPackage.advisoryNames == ["util-linux"])
        #expect(fluentd.components.filter { $0.ecosystem == .rubyGems }.count == 55)
    }

    @Test("builds a purl from the package type and OS when the document has none")
    func builtPURL() throws {
        // given a Trivy report from before purls were written
        let json = """
            {"SchemaVersion":2,"ArtifactName":"ubi8","ArtifactType":"container_image",
             "Metadata":{"OS":{"Family":"redhat","Name":"8.6"}},
             "Results":[{"Type":"redhat","Packages":[
               {"Name":"openssl-libs","Version":"1.1.1k","Release":"7.el8_6","Epoch":1,"SrcName":"openssl",
                "SrcVersion":"1.1.1k","SrcRelease":"7.el8_6","SrcEpoch":1}]},
              {"Type":"jar","Packages":[{"Name":"org.apache.logging.log4j:log4j-core","Version":"2.14.1"}]},
              {"Type":"npm","Packages":[{"Name":"@babel/core","Version":"7.0.0"}]},
              {"Type":"unknown-thing","Packages":[{"Name":"x","Version":"1"}]}]}
            """
        // when
        let output = ComponentNormalizer.normalize(try ScanDocument.parse(Data(json.utf8)))
        // then
        #expect(output.components.map(\.purl.description) == [
            "pkg:rpm/redhat/openssl-libs@1.1.1k-7.el8_6?distro=redhat-8.6&epoch=1",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "pkg:npm/%40babel/core@7.0.0",
        ])
        let openssl = try #require(output.components.first)
        #expect(openssl.version == "1:1.1.1k-7.el8_6")
        #expect(openssl.release == EcosystemRelease(ecosystem: .redHat, release: "8"))
        #expect(openssl.sourceName == "openssl")
        #expect(openssl.sourceVersion == "1:1.1.1k-7.el8_6")
        #expect(output.components[1].name == "org.apache.logging.log4j:log4j-core")
        #expect(output.skipped == [ScanDocument.Skipped(
            path: "Results[3].Packages[0]", reference: "x",
            reason: "no purl, and package type unknown-thing has no purl mapping")])
    }

    @Test("skips image purls, invalid purls and duplicates; reads deb upstream versions")
    func skips() throws {
        let json = """
            {"bomFormat":"CycloneDX","specVersion":"1.5","components":[
              {"type":"library","bom-ref":"a","name":"libgcc1","version":"1:8.3.0-6","purl":"pkg:deb/debian/libgcc1@1:8.3.0-6?distro=debian-10&upstream=gcc-8%408.3.0-6"},
              {"type":"library","bom-ref":"b","name":"img","purl":"pkg:oci/img@sha256%3A\(String(repeating: "a", count: 64))"},
              {"type":"library","bom-ref":"c","name":"bad","purl":"not a purl"},
              {"type":"library","bom-ref":"d","name":"libgcc1","version":"1:8.3.0-6","purl":"pkg:deb/debian/libgcc1@1:8.3.0-6?upstream=gcc-8%408.3.0-6&distro=debian-10"}]}
            """
        let output = ComponentNormalizer.normalize(try ScanDocument.parse(Data(json.utf8)))
        #expect(output.components.count == 1)
        #expect(output.components.first?.sourceName == "gcc-8")
        #expect(output.components.first?.sourceVersion == "8.3.0-6")
        #expect(output.skipped.map(\.path) == ["components[1]", "components[2]", "components[3]"])
        #expect(output.skipped[0].reason == "an image (pkg:oci), not a package")
        #expect(output.skipped[1].reason.hasPrefix("invalid purl \"not a purl\""))
        #expect(output.skipped[2].reason.hasPrefix("duplicate of components[0]"))
    }

    @Test("keeps the parser's skipped entries ahead of its own")
    func carriesParserSkips() throws {
        let json = #"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"noversion"}]}"#
        let output = ComponentNormalizer.normalize(try ScanDocument.parse(Data(json.utf8)))
        #expect(output.components.isEmpty)
        #expect(output.skipped.map(\.reason) == ["neither purl nor version"])
    }
}
