import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import PatchTrackHTTP

@Suite("Identifiers over their length limits are refused naming the field, not stored")
struct IdentifierLimitTests {
    @Test("a 5 MB purl is refused with 422 naming the field, not stored")
    func hugePURL() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 << 20)
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let purl = "pkg:deb/debian/bash@5.2?arch=" + String(repeating: "a", count: 5_000_000)
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/scans?image=app@\(digest("b"))", token: environment.ingest, body: cycloneDX(purl: purl))
        }
        #expect(reply.status == .unprocessableContent)
        #expect(reply.errorFields == ["components[0].purl"])
        #expect((reply.json["detail"] as? String)?.contains("longer than 2048 characters") == true)
        #expect(reply.body.count < 10_000)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("an advisory id over 256 characters is rejected naming the field")
    func longAdvisoryID() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let id = String(repeating: "X", count: 257)
        let reply = try await environment.withClient { client in
            try await client.send(
                .post, "/v1/advisories", token: environment.ingest, body: #"{"id":"\#(id)","modified":"2024-01-01T00:00:00Z"}"#)
        }
        #expect(reply.status == .unprocessableContent)
        #expect((reply.json["detail"] as? String)?.contains("longer than 256 characters") == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }
}
