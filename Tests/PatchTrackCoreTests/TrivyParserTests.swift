import Foundation
import Testing
@testable import PatchTrackCore

@Suite("TrivyParser")
struct TrivyParserTests {
    @Test("reads the centos-7 image report: findings only, epochs, labels")
    func centos7() throws {
        // given
        let data = try ScanFixtures.data("trivy-centos-7.json")
        // when
        let document = try ScanDocument.parse(data)
        // then
        #expect(document.format == .trivy)
        #expect(document.specVersion == "2")
        #expect(document.tool == ScanDocument.Tool(name: "trivy", version: "dev"))
        #expect(document.coverage == .findingsOnly)
        #expect(document.operatingSystem == ScanDocument.OperatingSystem(id: "centos", versionID: "7.6.1810"))
        #expect(document.verdicts.count == 3)
        #expect(document.packages.map(\.name) == ["bash", "openssl-libs"])
        let image = try #require(document.image)
        #expect(image.reference == "testdata/fixtures/images/centos-7.tar.gz")
        #expect(image.imageID == "sha256:f1cb7c7d58b73eac859c395882eec49d50651244e342cd6c68a5c7809785f427")
        #expect(image.tags == ["ghcr.io/aquasecurity/trivy-test-images:centos-7"])
        #expect(image.repoDigests.isEmpty)
        #expect(image.labels["org.label-schema.name"] == "CentOS Base Image")
        #expect(image.platform == "linux/amd64")
        #expect(image.layers == [ScanDocument.Layer(
            digest: "sha256:ac9208207adaac3a48e54a4dc6b49c69e78c3072d2b3add7efdabf814db2133b",
            diffID: "sha256:89169d87dbe2b72ba42bfbb3579c957322baca28e03a1e558076542a1c1b2b4a")])
        let bash = try #require(document.verdicts.first { $0.advisoryID == "CVE-2019-18276" })
        #expect(bash.packageName == "bash")
        #expect(bash.installedVersion == "4.2.46-31.el7")
        #expect(bash.fixedVersions.isEmpty)
        #expect(bash.fixState == "will_not_fix")
        #expect(bash.severity == "LOW")
        let openssl = try #require(document.verdicts.first { $0.advisoryID == "CVE-2019-1559" })
        #expect(openssl.packagePURL == "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&distro=centos-7.6.1810&epoch=1")
        #expect(openssl.installedVersion == "1:1.0.2k-16.el7")
        #expect(openssl.fixedVersions == ["1:1.0.2k-19.el7"])
        #expect(openssl.path == "Results[0].Vulnerabilities[1]")
    }

    @Test("reads the alpine-310 and debian-buster image reports")
    func alpineAndDebian() throws {
        let alpine = try ScanDocument.parse(ScanFixtures.data("trivy-alpine-310.json"))
        #expect(alpine.verdicts.count == 4)
        #expect(alpine.packages.count == 2)
        #expect(alpine.operatingSystem == ScanDocument.OperatingSystem(id: "alpine", versionID: "3.10.2"))
        let libssl = try #require(alpine.verdicts.first { $0.advisoryID == "CVE-2019-1551" && $0.packageName == "libssl1.1" })
        #expect(libssl.fixedVersions == ["1.1.1d-r2"])
        #expect(libssl.severity == "MEDIUM")
        #expect(libssl.dataSource == "alpine")
        #expect(libssl.layer?.diffID == "sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0")

        let debian = try ScanDocument.parse(ScanFixtures.data("trivy-debian-buster.json"))
        #expect(debian.verdicts.count == 2)
        #expect(debian.operatingSystem == ScanDocument.OperatingSystem(id: "debian", versionID: "10.1"))
        let idn = try #require(debian.verdicts.first { $0.advisoryID == "CVE-2019-18224" })
        #expect(idn.packagePURL == "pkg:deb/debian/libidn2-0@2.0.5-1?arch=amd64&distro=debian-10.1")
        #expect(idn.fixedVersions == ["2.0.5-1+deb10u1"])
        #expect(idn.severity == "CRITICAL")
    }

    @Test("reads repository reports with listed packages and dependencies")
    func repositories() throws {
        let npm = try ScanDocument.parse(ScanFixtures.data("trivy-npm.json"))
        #expect(npm.image == nil)
        #expect(npm.subjectName == "testdata/fixtures/repo/npm")
        #expect(npm.coverage == .inventory)
        #expect(npm.packages.count == 12)
        #expect(npm.verdicts.count == 1)
        #expect(npm.verdicts.first?.advisoryID == "CVE-2019-11358")
        #expect(npm.verdicts.first?.fixedVersions == ["3.4.0"])
        #expect(npm.verdicts.first?.packageRef == "jquery@3.3.9")
        #expect(npm.packages.first { $0.ref == npm.verdicts.first?.packageRef }?.name == "jquery")
        #expect(npm.dependencies.count == 13)
        #expect(npm.dependencies.contains(ScanDocument.Dependency(dependent: "react@16.8.6", dependency: "scheduler@0.13.6")))
        #expect(npm.packages.first { $0.name == "jquery" }?.purl == "pkg:npm/jquery@3.3.9")

        let pip = try ScanDocument.parse(ScanFixtures.data("trivy-pip.json"))
        #expect(pip.packages.count == 7)
        #expect(pip.verdicts.count == 2)
        #expect(pip.packages.first { $0.name == "Werkzeug" }?.purl == "pkg:pypi/werkzeug@0.11")
        #expect(pip.packages.allSatisfy { $0.type == "pip" })
    }

    @Test("joins split epoch, version and release fields like Trivy prints them")
    func splitVersions() throws {
        let json = """
            {"SchemaVersion":2,"ArtifactName":"x","ArtifactType":"container_image","Results":[{"Type":"redhat","Packages":[
              {"ID":"openssl-libs@1:1.1.1k-7.el8_6.x86_64","Name":"openssl-libs","Version":"1.1.1k","Release":"7.el8_6","Epoch":1,
               "SrcName":"openssl","SrcVersion":"1.1.1k","SrcRelease":"7.el8_6","SrcEpoch":1},
              {"Name":"tzdata","Version":"2022a","Release":"1.el8","Epoch":0,"SrcName":"tzdata","SrcVersion":"2022a","SrcRelease":"1.el8"},
              {"Name":"nothing"}],
             "Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"openssl-libs","FixedVersion":"1:1.1.1k-8.el8_6, 1:1.1.1k-9.el8_7"}]}]}
            """
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.coverage == .inventory)
        #expect(document.packages.map(\.version) == ["1:1.1.1k-7.el8_6", "2022a-1.el8"])
        #expect(document.packages.map(\.sourceVersion) == ["1:1.1.1k-7.el8_6", "2022a-1.el8"])
        #expect(document.skipped.map(\.path) == ["Results[0].Packages[2]"])
        #expect(document.verdicts.first?.fixedVersions == ["1:1.1.1k-8.el8_6", "1:1.1.1k-9.el8_7"])
    }

    @Test("a clean package result without --list-all-pkgs makes the coverage findings-only")
    func cleanResultWithoutPackages() throws {
        let json = #"{"SchemaVersion":2,"ArtifactName":"alpine:3.19","ArtifactType":"container_image","Results":[{"Target":"alpine:3.19 (alpine 3.19.1)","Class":"os-pkgs","Type":"alpine"}]}"#
        let document = try ScanDocument.parse(Data(json.utf8))
        #expect(document.packages.isEmpty)
        #expect(document.coverage == .findingsOnly)
    }

    @Test("reads a 10,000-package report completely")
    func tenThousand() throws {
        let document = try ScanDocument.parse(ScanFixtures.largeTrivy(count: 10_000))
        #expect(document.packages.count == 10_000)
        #expect(document.verdicts.count == 100)
        #expect(document.packages.last?.version == "1.9999-1")
        #expect(document.packages.last?.sourceName == "src9999")
        #expect(document.image?.repoDigests.count == 1)
    }
}
