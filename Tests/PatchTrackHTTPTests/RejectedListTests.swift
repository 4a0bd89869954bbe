import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import PatchTrackHTTP

@Suite("Rejected-record lists are capped: the first 100 listed, the rest counted")
struct RejectedListTests {
    @Test("200,000 rejected records: 422 listing the first 100, counting the rest, in a small answer")
    func rejectedRecordsAreCapped() async throws {
        let environment = try await TestEnvironment(maxBodySize: 1 << 20)
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let body = "[" + Array(repeating: "{}", count: 200_000).joined(separator: ",") + "]"
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/advisories", token: environment.ingest, body: body)
        }
        #expect(reply.status == .unprocessableContent)
        #expect(reply.problemType == "validation-failed")
        #expect(reply.errorFields.count == 100)
        #expect(reply.errorFields.first == "[0]")
        #expect(reply.json["errors_omitted"] as? Int == 199_900)
        #expect((reply.json["detail"] as? String)?.hasPrefix("no record was accepted: 200000 rejected") == true)
        #expect(reply.body.count < 100_000)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("an intake with accepted and rejected records lists the first 100 rejections and counts the rest")
    func mixedIntakeIsCapped() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let good = #"{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[]}"#
        let body = "[" + ([good] + Array(repeating: "{}", count: 150)).joined(separator: ",") + "]"
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/advisories", token: environment.ingest, body: body)
        }
        #expect(reply.status == .created)
        #expect(reply.json["created"] as? Int == 1)
        #expect(reply.json["rejected"] as? Int == 150)
        #expect(reply.json["rejected_omitted"] as? Int == 50)
        let items = try #require(reply.json["items"] as? [[String: Any]])
        #expect(items.count == 101)
        #expect(items.first?["id"] as? String == "TEST-1")
    }
}
