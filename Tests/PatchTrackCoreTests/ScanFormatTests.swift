import Foundation
import Testing
@testable import PatchTrackCore

@Suite("ScanFormat")
struct ScanFormatTests {
    @Test(
        "detects each real document's format from its top-level keys",
        arguments: [
            ("syft-cdx1.4-alpine3.16.2.json", ScanFormat.cyclonedx),
            ("trivy-cdx1.7-fluentd-multiple-lockfiles.json", .cyclonedx),
            ("syft-spdx2.2-alpine-latest.json", .spdx),
            ("syft-spdx2.3-kubectl-image.json", .spdx),
            ("syft-native-alpine3.12.json", .syft),
            ("trivy-alpine-310.json", .trivy),
            ("trivy-centos-7.json", .trivy),
            ("trivy-debian-buster.json", .trivy),
            ("trivy-npm.json", .trivy),
            ("trivy-pip.json", .trivy),
            ("grype0.7-defectdojo-django-1.13.1-debian10.json", .grype),
            ("grype0.66-keycloak-rhel9.json", .grype),
        ])
    func detectsRealDocuments(name: String, expected: ScanFormat) throws {
        // given
        let data = try ScanFixtures.data(name)
        // when
        let format = try ScanFormat.detect(data, contentType: nil)
        // then
        #expect(format == expected)
    }

    @Test("agrees with a matching Content-Type and ignores its parameters")
    func matchingContentType() throws {
        // given
        let cyclonedx = try ScanFixtures.data("syft-cdx1.4-alpine3.16.2.json")
        let spdx = try ScanFixtures.data("syft-spdx2.3-kubectl-image.json")
        // when / then
        #expect(try ScanFormat.detect(cyclonedx, contentType: "application/vnd.cyclonedx+json; version=1.4") == .cyclonedx)
        #expect(try ScanFormat.detect(spdx, contentType: "application/spdx+json") == .spdx)
        #expect(try ScanFormat.detect(spdx, contentType: "application/json") == .spdx)
    }

    @Test("refuses a Content-Type that contradicts the content")
    func contradictingContentType() throws {
        // given
        let spdx = try ScanFixtures.data("syft-spdx2.2-alpine-latest.json")
        // when
        let error = #expect(throws: IngestError.self) {
            try ScanFormat.detect(spdx, contentType: "application/vnd.cyclonedx+json")
        }
        // then
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.message.contains("Content-Type says CycloneDX but the document is SPDX") == true)
    }

    @Test("refuses XML and tag-value serialisations by Content-Type")
    func nonJSONContentType() {
        for contentType in ["application/vnd.cyclonedx+xml", "text/spdx", "application/xml"] {
            let error = #expect(throws: IngestError.self) {
                try ScanFormat.detect(Data("{}".utf8), contentType: contentType)
            }
            #expect(error?.kind == .unsupportedFormat)
            #expect(error?.message.contains(IngestError.acceptedFormats) == true)
        }
    }

    @Test("uses the Content-Type when the content has no format marker")
    func contentTypeDecidesWithoutMarkers() throws {
        // given a CycloneDX document missing its required bomFormat and specVersion
        let data = Data(#"{"components":[]}"#.utf8)
        // when
        let format = try ScanFormat.detect(data, contentType: "application/vnd.cyclonedx+json")
        // then the header decides and the parser reports what is missing
        #expect(format == .cyclonedx)
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(data, as: format) }
        #expect(error?.path == "specVersion")
    }

    @Test("stops at the decisive key without reading the rest")
    func stopsEarly() throws {
        // given a syft-looking document whose tail is not even JSON
        let data = Data(#"{"artifacts":[], this is never read"#.utf8)
        // when / then
        #expect(try ScanFormat.detect(data, contentType: nil) == .syft)
    }

    @Test("finds the marker after a leading $schema and whitespace")
    func skipsLeadingMembers() throws {
        let data = Data("\u{FEFF}\n  {\"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\", \"nested\": {\"a\": [1, \"}\"]}, \"bomFormat\": \"CycloneDX\"}".utf8)
        #expect(try ScanFormat.detect(data, contentType: nil) == .cyclonedx)
    }
}
