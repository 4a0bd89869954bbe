import Foundation
import Testing
@testable import PatchTrackCore

@Suite("IngestError on bad input")
struct IngestErrorTests {
    @Test("bytes that are not JSON are malformed JSON")
    func notJSON() {
        let error = #expect(throws: IngestError.self) {
            try ScanDocument.parse(Data("<?xml version=\"1.0\"?><bom/>".utf8))
        }
        #expect(error?.kind == .malformedJSON)
        #expect(error?.path == "")
        #expect(error?.message.contains("unexpected '<' at line 1, column 1") == true)
    }

    @Test("an empty body is malformed JSON")
    func emptyBody() {
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data()) }
        #expect(error?.kind == .malformedJSON)
    }

    @Test("a truncated real document is malformed JSON, not a crash", arguments: [
        "syft-cdx1.4-alpine3.16.2.json", "syft-spdx2.3-kubectl-image.json", "syft-native-alpine3.12.json",
        "trivy-centos-7.json", "grype0.66-keycloak-rhel9.json",
    ])
    func truncated(name: String) throws {
        // given the first 60% of the document
        let data = try ScanFixtures.data(name)
        let truncated = data.prefix(data.count * 6 / 10)
        // when
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(truncated)) }
        // then
        #expect(error?.kind == .malformedJSON)
        #expect(error?.message.contains("unexpected end of data") == true)
        #expect(error?.path.isEmpty == false)
    }

    @Test("every strict prefix of a real document is malformed JSON")
    func everyPrefix() throws {
        // given a report whose closing brace is its last non-whitespace byte
        let data = try ScanFixtures.data("trivy-pip.json")
        let end = try #require(data.lastIndex(of: UInt8(ascii: "}")))
        // when / then
        for length in stride(from: 0, to: end, by: 7) {
            let error = #expect(throws: IngestError.self) { try ScanDocument.parse(data.prefix(length)) }
            #expect(error?.kind == .malformedJSON, "prefix of \(length) bytes")
        }
    }

    @Test("a wrongly typed field reports its path")
    func wrongShape() throws {
        // given a Trivy report whose sixth package of the third result has a numeric Name
        let package = #"{"Name":"a","Version":"1"}"#
        let packages = Array(repeating: package, count: 5).joined(separator: ",")
        let json = """
            {"SchemaVersion":2,"ArtifactName":"x","Results":[{"Type":"npm"},{"Type":"npm"},
            {"Type":"npm","Packages":[\(packages),{"Name":42,"Version":"1"}]}]}
            """
        // when
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(json.utf8)) }
        // then
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == "Results[2].Packages[5].Name")
        #expect(error?.message.contains("expected a string") == true)
    }

    @Test("components that are not an array report the field")
    func componentsNotArray() {
        let json = #"{"bomFormat":"CycloneDX","specVersion":"1.5","components":{"name":"x"}}"#
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(json.utf8)) }
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == "components")
    }

    @Test("JSON of no known format is an unsupported format listing the accepted ones")
    func unknownFormat() {
        let json = #"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}"#
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(json.utf8)) }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.message.contains("CycloneDX JSON") == true)
        #expect(error?.message.contains("Grype JSON") == true)
    }

    @Test("a top-level array or scalar is an unsupported format", arguments: ["[]", "42", "\"sbom\"", "null"])
    func topLevelNotObject(text: String) {
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(text.utf8)) }
        #expect(error?.kind == .unsupportedFormat)
    }

    @Test("unsupported versions of known formats are refused at the version field", arguments: [
        (#"{"bomFormat":"CycloneDX","specVersion":"1.1"}"#, "specVersion"),
        (#"{"spdxVersion":"SPDX-2.1","SPDXID":"SPDXRef-DOCUMENT"}"#, "spdxVersion"),
        (#"{"SchemaVersion":1,"ArtifactName":"x"}"#, "SchemaVersion"),
    ])
    func unsupportedVersion(json: String, path: String) {
        let error = #expect(throws: IngestError.self) { try ScanDocument.parse(Data(json.utf8)) }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.path == path)
    }

    @Test("a missing required member reports its path")
    func missingRequired() {
        let error = #expect(throws: IngestError.self) {
            try ScanDocument.parse(Data(#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":"x"}]}"#.utf8))
        }
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == "Results[0].Vulnerabilities")
    }
}
