import Foundation
import Testing
@testable import PatchTrackCore

@Suite("CycloneDXParser")
struct CycloneDXParserTests {
    @Test("reads Syft's CycloneDX 1.4 SBOM of alpine 3.16.2")
    func syftAlpine() throws {
        // given
        let data = try ScanFixtures.data("syft-cdx1.4-alpine3.16.2.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.format == .cyclonedx)
        #expect(document.specVersion == "1.4")
        #expect(document.tool == ScanDocument.Tool(name: "syft", version: "0.58.0"))
        #expect(document.coverage == .inventory)
        #expect(document.packages.count == 14)
        #expect(document.skipped.isEmpty)
        #expect(document.verdicts.isEmpty)
        #expect(document.image?.reference == "docker.io/library/alpine:latest")
        #expect(document.image?.digest == "sha256:cbaa390ec61abd889dfa5146a411c11717c19ef9e5e18458dbdc06439076ffe7")
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(
            id: "alpine", versionID: "3.16.2", prettyName: "Alpine Linux v3.16"))
        let libssl = try #require(document.packages.first { $0.name == "libssl1.1" })
        #expect(libssl.purl == "pkg:alpine/libssl1.1@1.1.1q-r0?arch=x86_64&upstream=openssl&distro=alpine-3.16.2")
        #expect(libssl.version == "1.1.1q-r0")
        #expect(libssl.type == "apk")
        #expect(libssl.sourceName == "openssl")
        #expect(libssl.layer?.diffID == "sha256:994393dc58e7931862558d06e46aa2bb17487044f670f310dffe1d24e4d1eec7")
        #expect(libssl.ref?.hasSuffix("package-id=bebc881007d932d") == true)
        #expect(document.packages.map(\.path).first == "components[0]")
    }

    @Test("reads Trivy's CycloneDX 1.7 SBOM with source packages, epochs and layers")
    func trivyFluentd() throws {
        // given
        let data = try ScanFixtures.data("trivy-cdx1.7-fluentd-multiple-lockfiles.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.specVersion == "1.7")
        #expect(document.tool == ScanDocument.Tool(name: "trivy", version: "dev"))
        #expect(document.packages.count == 160)
        #expect(document.packages.filter { $0.type == "debian" }.count == 105)
        #expect(document.packages.filter { $0.type == "gemspec" }.count == 55)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "debian", versionID: "10.2"))
        #expect(document.image?.reference == "testdata/fixtures/images/fluentd-multiple-lockfiles.tar.gz")
        #expect(document.image?.imageID == "sha256:5a992077baba51b97f27591a10d54d2f2723dc9c81a3fe419e261023f2554933")
        #expect(document.image?.tags == ["ghcr.io/aquasecurity/trivy-test-images:fluentd-multiple-lockfiles"])
        #expect(document.image?.layers.count == 6)
        #expect(document.image?.digest == nil)
        let bsdutils = try #require(document.packages.first { $0.name == "bsdutils" })
        #expect(bsdutils.version == "1:2.33.1-0.1")
        #expect(bsdutils.sourceName == "util-linux")
        #expect(bsdutils.sourceVersion == "2.33.1-0.1")
        let gmp = try #require(document.packages.first { $0.name == "libgmp10" })
        #expect(gmp.sourceVersion == "2:6.1.2+dfsg-4")
        #expect(gmp.purl == "pkg:deb/debian/libgmp10@6.1.2%2Bdfsg-4?arch=amd64&distro=debian-10.2&epoch=2")
        let fluentd = try #require(document.packages.first { $0.name == "fluentd" })
        #expect(fluentd.layer == ScanDocument.Layer(
            digest: "sha256:a8877cad19f14a7044524a145ce33170085441a7922458017db1631dcd5f7602",
            diffID: "sha256:75e43d55939745950bc3f8fad56c5834617c4339f0f54755e69a0dd5372624e9"))
        #expect(document.dependencies.count == 265)
        #expect(document.dependencies.contains(ScanDocument.Dependency(
            dependent: "3ff14136-e09f-4df9-80ea-000000000001", dependency: "pkg:gem/fluentd@1.8.0")))
    }

    @Test("walks nested components and skips entries without identity")
    func nestedAndSkipped() throws {
        // given a 1.6 document with a nested component, a file and a nameless and a versionless component
        let json = """
            {"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"tools":{"components":[{"name":"cdxgen","version":"10.0"}]},
             "component":{"type":"container","name":"registry.example/app","purl":"pkg:oci/app@sha256%3A\(String(repeating: "1", count: 64))?repository_url=registry.example/app",
              "properties":[{"name":"syft:image:labels:org.opencontainers.image.base.name","value":"docker.io/library/debian:12"}]}},
             "components":[
              {"type":"application","bom-ref":"a","name":"app","version":"2.0","components":[
                 {"type":"library","bom-ref":"b","name":"inner","purl":"pkg:npm/inner@1.0.0"}]},
              {"type":"file","name":"/etc/passwd"},
              {"type":"library","version":"1.0"},
              {"type":"library","bom-ref":"c","name":"versionless"}],
             "dependencies":[{"ref":"a","dependsOn":["b"]}]}
            """
        // when
        let document = try ScanDocument.parse(Data(json.utf8))
        // then
        #expect(document.tool == ScanDocument.Tool(name: "cdxgen", version: "10.0"))
        #expect(document.packages.map(\.name) == ["app", "inner"])
        #expect(document.packages.map(\.path) == ["components[0]", "components[0].components[0]"])
        #expect(document.skipped.map(\.path) == ["components[1]", "components[2]", "components[3]"])
        #expect(document.skipped.map(\.reason) == [
            "not a software package (type file)", "no name", "neither purl nor version",
        ])
        #expect(document.image?.digest == "sha256:" + String(repeating: "1", count: 64))
        #expect(document.image?.baseName == "docker.io/library/debian:12")
        #expect(document.dependencies == [ScanDocument.Dependency(dependent: "a", dependency: "b")])
    }

    @Test("reads the legacy tools array and the rpm source from sourceRpm")
    func legacyToolsAndSourceRPM() throws {
        let json = """
            {"bomFormat":"CycloneDX","specVersion":"1.2","metadata":{"tools":[{"vendor":"anchore","name":"syft","version":"0.40.0"}]},
             "components":[{"type":"library","name":"bash","version":"4.2.46-34.el7","purl":"pkg:rpm/centos/bash@4.2.46-34.el7",
               "properties":[{"name":"syft:metadata:sourceRpm","value":"bash-4.2.46-34.el7.src.rpm"}]}]}
            """
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.tool == ScanDocument.Tool(name: "syft", version: "0.40.0"))
        #expect(document.packages.first?.sourceName == "bash")
        #expect(document.packages.first?.sourceVersion == "4.2.46-34.el7")
    }

    @Test("reads a 10,000-component SBOM completely")
    func tenThousand() throws {
        let document = try ScanDocument.parse(ScanFixtures.largeCycloneDX(count: 10_000))
        #expect(document.packages.count == 10_000)
        #expect(document.packages.last?.sourceName == "src9999")
        #expect(document.packages.last?.purl == "pkg:deb/debian/lib9999@1.9999-1?arch=amd64&upstream=src9999&distro=debian-12")
        #expect(ComponentNormalizer.normalize(document).components.count == 10_000)
    }
}
