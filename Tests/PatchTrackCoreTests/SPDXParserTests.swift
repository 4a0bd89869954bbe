import Foundation
import Testing
@testable import PatchTrackCore

@Suite("SPDXParser")
struct SPDXParserTests {
    @Test("reads Syft's SPDX 2.3 SBOM of the kubectl image")
    func kubectl() throws {
        // given
        let data = try ScanFixtures.data("syft-spdx2.3-kubectl-image.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.format == .spdx)
        #expect(document.specVersion == "SPDX-2.3")
        #expect(document.tool == ScanDocument.Tool(name: "syft", version: "0.90.0"))
        #expect(document.packages.count == 88)
        #expect(document.packages.filter { $0.purl?.hasPrefix("pkg:golang/") == true }.count == 85)
        #expect(document.packages.filter { $0.purl?.hasPrefix("pkg:deb/") == true }.count == 3)
        #expect(document.skipped.isEmpty)
        let image = try #require(document.image)
        #expect(image.reference == "k8supstream.azurecr.io/public/oss/kubernetes/kubectl")
        #expect(image.digest == "sha256:ee398c1e436e28bb57d16e3fed395657e877890295483bf21c016acbab6b7fd1")
        #expect(image.tags == ["k8supstream.azurecr.io/public/oss/kubernetes/kubectl:v1.28.1-linux-amd64"])
        #expect(!document.packages.contains { $0.purl?.hasPrefix("pkg:oci/") == true })
        let tzdata = try #require(document.packages.first { $0.name == "tzdata" })
        #expect(tzdata.purl == "pkg:deb/debian/tzdata@2021a-1+deb11u10?arch=all&distro=debian-11")
        #expect(tzdata.version == "2021a-1+deb11u10")
        #expect(tzdata.ref == "SPDXRef-Package-deb-tzdata-b5e65d160035a289")
        let kubernetes = try #require(document.packages.first { $0.name == "k8s.io/kubernetes" })
        #expect(kubernetes.version == "v1.28.1")
        #expect(kubernetes.layer?.diffID == "sha256:96e317b22d0903f9078b0c21f02c921c4cc641815c50110e3f8068edb128106b")
    }

    @Test("reads Syft's SPDX 2.2 SBOM of alpine, which describes no image")
    func alpine22() throws {
        // given
        let data = try ScanFixtures.data("syft-spdx2.2-alpine-latest.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.specVersion == "SPDX-2.2")
        #expect(document.tool == ScanDocument.Tool(name: "syft", version: "0.57.0"))
        #expect(document.packages.count == 14)
        #expect(document.image == nil)
        #expect(document.subjectName == "alpine-latest")
        let busybox = try #require(document.packages.first { $0.name == "busybox" })
        #expect(busybox.purl == "pkg:alpine/busybox@1.35.0-r17?arch=x86_64&upstream=busybox&distro=alpine-3.16.2")
        #expect(busybox.layer?.diffID == "sha256:994393dc58e7931862558d06e46aa2bb17487044f670f310dffe1d24e4d1eec7")
    }

    @Test("reads Trivy's SPDX conventions: sourceInfo, annotations, OS package, dependencies")
    func trivyConventions() throws {
        let json = """
            {"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"debian:12","creationInfo":{"creators":["Tool: trivy-0.50.1"]},
             "packages":[
              {"SPDXID":"SPDXRef-OS","name":"debian","versionInfo":"12.5","primaryPackagePurpose":"OPERATING-SYSTEM"},
              {"SPDXID":"SPDXRef-A","name":"libc6","versionInfo":"2.36-9+deb12u4","sourceInfo":"built package from: glibc 2.36-9+deb12u4",
               "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12.5"}],
               "annotations":[{"comment":"PkgType: debian"},{"comment":"LayerDiffID: sha256:\(String(repeating: "2", count: 64))"}]},
              {"SPDXID":"SPDXRef-B","name":"noversion","versionInfo":"NOASSERTION"},
              {"SPDXID":"SPDXRef-C","name":"libgcc-s1","versionInfo":"12.2.0-14"}],
             "relationships":[{"spdxElementId":"SPDXRef-A","relatedSpdxElement":"SPDXRef-C","relationshipType":"DEPENDS_ON"},
               {"spdxElementId":"SPDXRef-C","relatedSpdxElement":"SPDXRef-A","relationshipType":"DEPENDENCY_OF"}]}
            """
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.tool == ScanDocument.Tool(name: "trivy", version: "0.50.1"))
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "debian", versionID: "12.5"))
        #expect(document.packages.map(\.name) == ["libc6", "libgcc-s1"])
        let libc = try #require(document.packages.first)
        #expect(libc.sourceName == "glibc")
        #expect(libc.sourceVersion == "2.36-9+deb12u4")
        #expect(libc.type == "debian")
        #expect(libc.layer?.diffID == "sha256:" + String(repeating: "2", count: 64))
        #expect(document.skipped == [ScanDocument.Skipped(
            path: "packages[2]", reference: "SPDXRef-B", reason: "neither purl nor version")])
        #expect(document.dependencies == [
            ScanDocument.Dependency(dependent: "SPDXRef-A", dependency: "SPDXRef-C"),
            ScanDocument.Dependency(dependent: "SPDXRef-A", dependency: "SPDXRef-C"),
        ])
    }
}
