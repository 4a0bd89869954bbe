import Foundation
import Testing

import PatchTrackCore

/// Ingest preparation of scan documents, shared by the API and the importer.
@Suite struct ScanIngestTests {
    @Test func unreadableDocumentsSayWhy() {
        #expect(throws: ScanIngest.Failure.self) { try ScanIngest.parse(Data("not json".utf8), contentType: nil, override: nil) }
        do {
            _ = try ScanIngest.parse(Data("{}".utf8), contentType: nil, override: nil)
            Issue.record("an empty object is no scan document")
        } catch {
            guard case .unreadable(let ingestError) = error else { Issue.record("\(error)"); return }
            #expect(ingestError.kind == .unsupportedFormat)
            #expect(error.description == ingestError.message)
        }
    }

    @Test func anImageWithoutDigestIsRefusedOnImage() throws {
        let data = try ScanFixtures.data("syft-native-alpine3.12.json")
        let tagOnly = try ImageReference(parsing: "alpine:3.12")
        do {
            _ = try ScanIngest.parse(data, contentType: nil, override: tagOnly)
            Issue.record("a tag is not enough")
        } catch {
            guard case .noImage = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("image: ?image= must name the digest"))
        }
    }

    @Test func invalidDocumentDetailNamesTheField() {
        #expect(IngestError.invalidDocument("is required", path: "").detail == "$: is required")
        #expect(IngestError.invalidDocument("is required", path: "components[0].name").detail == "components[0].name: is required")
        #expect(IngestError(kind: .malformedJSON, path: "", message: "truncated").detail == "truncated")
    }
}
