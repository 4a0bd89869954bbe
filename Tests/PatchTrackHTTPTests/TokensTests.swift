import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Token administration")
struct TokensTests {
    @Test("created tokens are listed without secrets, newest first")
    func listWithoutSecrets() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let created = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"name":"grafana","role":"read"}"#)
            #expect(created.status == .created)
            let secret = try #require(created.json["token"] as? String)
            #expect(secret.hasPrefix("pt_"))
            #expect(created.headers[.location] == "/v1/tokens/\(created.json["id"] as? Int ?? 0)")
            let list = try await client.send(.get, "/v1/tokens", token: environment.admin)
            #expect(list.status == .ok)
            #expect(!list.text.contains(secret))
            #expect(!list.text.contains(environment.admin))
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["grafana", "dashboard", "ci", "admin"])
            #expect(items.allSatisfy { $0["token"] == nil })
        }
    }

    @Test("bad token requests are 422 naming the field, and write nothing")
    func badRequests() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        try await environment.withClient { client in
            let badRole = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"name":"x","role":"root"}"#)
            #expect(badRole.status == .unprocessableContent)
            #expect(badRole.errorFields == ["role"])
            let noName = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"role":"read"}"#)
            #expect(noName.errorFields == ["name"])
            let emptyName = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"name":"","role":"read"}"#)
            #expect(emptyName.errorFields == ["name"])
        }
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("revoking an unknown token is 404; a token cannot revoke itself")
    func revokeEdgeCases() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            #expect(try await client.send(.delete, "/v1/tokens/999", token: environment.admin).status == .notFound)
            #expect(try await client.send(.delete, "/v1/tokens/abc", token: environment.admin).status == .notFound)
            // The admin token is the first one created.
            let own = try await client.send(.delete, "/v1/tokens/1", token: environment.admin)
            #expect(own.status == .conflict)
            #expect(try await client.send(.get, "/v1/tokens", token: environment.admin).status == .ok)
        }
    }
}
