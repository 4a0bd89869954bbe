import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import PatchTrackHTTP

@Suite("limit is digits only; cursors are those the server issued")
struct PagingParameterTests {
    @Test("forged cursors are 400", arguments: [
        Data("c1:-1".utf8).base64URLEncodedString(), Data("c1:01".utf8).base64URLEncodedString(),
        Data("c1:1e3".utf8).base64URLEncodedString(), Data("c1:".utf8).base64URLEncodedString(),
        Data("c1:99999999999999999999".utf8).base64URLEncodedString(), Data("c1:1".utf8).base64EncodedString() + "==",
        "not-base64!",
    ])
    func forgedCursor(_ cursor: String) async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        for route in ["/v1/images", "/v1/builds", "/v1/findings", "/v1/repositories"] {
            let reply = try await environment.withClient { client in
                try await client.send(.get, "\(route)?cursor=\(cursor)", token: environment.read)
            }
            #expect(reply.status == .badRequest, "\(route)")
            #expect(reply.problemType == "bad-request")
            #expect(reply.errorFields == ["cursor"])
        }
    }

    @Test("an issued cursor still pages")
    func issuedCursor() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for character in ["a", "b", "c"] as [Character] {
                _ = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"app:1@\#(digest(character))"}"#)
            }
            let first = try await client.send(.get, "/v1/images?limit=2", token: environment.read)
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.send(.get, "/v1/images?limit=2&cursor=\(cursor)", token: environment.read)
            #expect(second.status == .ok)
            #expect((second.json["items"] as? [Any])?.count == 1)
        }
    }

    @Test("limit is digits only", arguments: ["+5", "%205", "5%20", "5.0", "0x5", "-5", "", "%EF%BC%91"])
    func limitDigitsOnly(_ limit: String) async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let reply = try await environment.withClient { client in
            try await client.send(.get, "/v1/images?limit=\(limit)", token: environment.read)
        }
        #expect(reply.status == .badRequest)
        #expect(reply.errorFields == ["limit"])
    }
}
