import Foundation
import Testing
@testable import PatchTrackCore

@Suite("SyftParser")
struct SyftParserTests {
    @Test("reads Syft's native JSON of alpine 3.12")
    func alpine312() throws {
        // given
        let data = try ScanFixtures.data("syft-native-alpine3.12.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.format == .syft)
        #expect(document.specVersion == "13.0.0")
        #expect(document.tool == ScanDocument.Tool(name: "syft", version: "0.101.1"))
        #expect(document.packages.count == 14)
        #expect(document.skipped.isEmpty)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(
            id: "alpine", versionID: "3.12.12", prettyName: "Alpine Linux v3.12"))
        let image = try #require(document.image)
        #expect(image.reference == "alpine:3.12")
        #expect(image.digest == "sha256:8cb449c3c0a4611deee6858f633eaa9378ee2eb00c2c2ae643e76e82d06b850b")
        #expect(image.repoDigests == ["alpine@sha256:c75ac27b49326926b803b9ed43bf088bc220d22556de1bc5f72d742c91398f69"])
        #expect(image.imageID == "sha256:cc604a625da1289c5dd57f947318133161ff7f40fb03dc2a649300473b97e743")
        #expect(image.tags == ["alpine:3.12"])
        #expect(image.platform == "linux/arm64")
        #expect(image.layers == [ScanDocument.Layer(
            diffID: "sha256:d80e0208345a5c0e0e5575f11f35d99a179bcdfec9a075828e774145c0245eb6")])
        let bundle = try #require(document.packages.first { $0.name == "ca-certificates-bundle" })
        #expect(bundle.purl == "pkg:apk/alpine/ca-certificates-bundle@20211220-r0?arch=aarch64&upstream=ca-certificates&distro=alpine-3.12.12")
        #expect(bundle.sourceName == "ca-certificates")
        #expect(bundle.type == "apk")
        #expect(bundle.ref == "49852edd7b8e27bc")
        #expect(bundle.layer?.diffID == image.layers.first?.diffID)
        #expect(document.dependencies.count == 21)
        // libtls-standalone depends on libcrypto1.1 ("dependency-of" parent → child)
        #expect(document.dependencies.contains(
            ScanDocument.Dependency(dependent: "4dd349e42df17a96", dependency: "3534729b6cc222b7")))
    }

    @Test("reads dpkg and rpm source packages from artifact metadata")
    func sourcePackages() throws {
        let json = """
            {"artifacts":[
              {"id":"1","name":"libc6","version":"2.28-10","type":"deb","purl":"pkg:deb/debian/libc6@2.28-10",
               "metadata":{"package":"libc6","source":"glibc","sourceVersion":"2.28-10"}},
              {"id":"2","name":"libgcc1","version":"1:8.3.0-6","type":"deb","metadata":{"source":"gcc-8 (8.3.0-6)"}},
              {"id":"3","name":"bash","version":"4.2.46-34.el7","type":"rpm","metadata":{"sourceRpm":"bash-4.2.46-34.el7.src.rpm","epoch":null}},
              {"id":"4","name":"nometa","version":"1.0","type":"python","metadata":[1,2]},
              {"id":"5","name":"","version":"1.0"}],
             "source":{"type":"directory","target":"/src"},"distro":{"name":"debian","version":"10"},
             "schema":{"version":"1.0.0"}}
            """
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.subjectName == "/src")
        #expect(document.image == nil)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "debian", versionID: "10"))
        #expect(document.packages.map { $0.sourceName } == ["glibc", "gcc-8", "bash", nil])
        #expect(document.packages.map { $0.sourceVersion } == ["2.28-10", "8.3.0-6", "4.2.46-34.el7", nil])
        #expect(document.skipped == [ScanDocument.Skipped(path: "artifacts[4]", reference: "5", reason: "no name")])
    }
}
