import Foundation
import Testing

/// Loads the real scanner documents under Fixtures/scans (sources in Tests/Fixtures/README.md) and builds large
/// synthetic documents for scale tests.
enum ScanFixtures {
    /// The bytes of `Fixtures/scans/<name>`.
    static func data(_ name: String) throws -> Data {
        let base = (name as NSString).deletingPathExtension
        let url = try #require(
            Bundle.module.url(forResource: base, withExtension: "json", subdirectory: "Fixtures/scans"),
            "missing fixture \(name)")
        return try Data(contentsOf: url)
    }

    /// A CycloneDX 1.6 SBOM shaped like Syft's output with `count` deb components.
    static func largeCycloneDX(count: Int) -> Data {
        var text = """
            {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"timestamp":"2026-01-01T00:00:00Z",
            "tools":{"components":[{"type":"application","author":"anchore","name":"syft","version":"1.0.0"}]},
            "component":{"bom-ref":"root","type":"container","name":"registry.example/app:1",
            "version":"sha256:\(String(repeating: "a", count: 64))"}},"components":[
            """
        for index in 0..<count {
            if index > 0 { text += "," }
            text += """
                {"bom-ref":"pkg:deb/debian/lib\(index)@1.\(index)-1?package-id=\(index)","type":"library",\
                "name":"lib\(index)","version":"1.\(index)-1","cpe":"cpe:2.3:a:lib\(index):lib\(index):1.\(index)-1:*:*:*:*:*:*:*",\
                "purl":"pkg:deb/debian/lib\(index)@1.\(index)-1?arch=amd64&upstream=src\(index)&distro=debian-12",\
                "licenses":[{"license":{"id":"MIT"}}],\
                "properties":[{"name":"syft:package:foundBy","value":"dpkg-db-cataloger"},\
                {"name":"syft:package:type","value":"deb"},{"name":"syft:cpe23","value":"cpe:2.3:a:x:lib\(index):1:*:*:*:*:*:*:*"},\
                {"name":"syft:location:0:layerID","value":"sha256:\(String(repeating: "b", count: 64))"},\
                {"name":"syft:location:0:path","value":"/var/lib/dpkg/status"},\
                {"name":"syft:metadata:source","value":"src\(index)"},{"name":"syft:metadata:installedSize","value":"1234"}]}
                """
        }
        text += #"],"dependencies":[{"ref":"root","dependsOn":[]}]}"#
        return Data(text.utf8)
    }

    /// A Trivy SchemaVersion 2 report with `count` packages listed (`--list-all-pkgs`) and one finding per 100.
    static func largeTrivy(count: Int) -> Data {
        var text = """
            {"SchemaVersion":2,"CreatedAt":"2026-01-01T00:00:00Z","ArtifactName":"registry.example/app:1",
            "ArtifactType":"container_image","Metadata":{"OS":{"Family":"debian","Name":"12.5"},
            "ImageID":"sha256:\(String(repeating: "c", count: 64))","DiffIDs":["sha256:\(String(repeating: "d", count: 64))"],
            "RepoTags":["registry.example/app:1"],"RepoDigests":["registry.example/app@sha256:\(String(repeating: "e", count: 64))"]},
            "Results":[{"Target":"app (debian 12.5)","Class":"os-pkgs","Type":"debian","Packages":[
            """
        for index in 0..<count {
            if index > 0 { text += "," }
            text += """
                {"ID":"lib\(index)@1.\(index)-1","Name":"lib\(index)","Identifier":{"PURL":"pkg:deb/debian/lib\(index)@1.\(index)-1?arch=amd64&distro=debian-12.5","UID":"\(index)"},\
                "Version":"1.\(index)","Release":"1","Arch":"amd64","SrcName":"src\(index)","SrcVersion":"1.\(index)","SrcRelease":"1",\
                "Licenses":["MIT"],"Maintainer":"Someone <someone@example.org>",\
                "Layer":{"Digest":"sha256:\(String(repeating: "f", count: 64))","DiffID":"sha256:\(String(repeating: "d", count: 64))"}}
                """
        }
        text += "],\"Vulnerabilities\":["
        for index in stride(from: 0, to: count, by: 100) {
            if index > 0 { text += "," }
            text += """
                {"VulnerabilityID":"CVE-2026-\(10000 + index)","PkgID":"lib\(index)@1.\(index)-1","PkgName":"lib\(index)",\
                "InstalledVersion":"1.\(index)-1","FixedVersion":"1.\(index)-2","Status":"fixed","Severity":"HIGH"}
                """
        }
        text += "]}]}"
        return Data(text.utf8)
    }
}
