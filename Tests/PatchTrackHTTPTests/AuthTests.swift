import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

@Suite("Authentication and roles")
struct AuthTests {
    /// One route per class: (method, path, body, the least role it needs).
    static let routes: [(HTTPRequest.Method, String, String?, String)] = [
        (.get, "/v1/images", nil, "read"),
        (.get, "/v1/repositories", nil, "read"),
        (.post, "/v1/images", #"{"reference":"ghcr.io/acme/api:1@sha256:\#(String(repeating: "a", count: 64))"}"#, "ingest"),
        (.get, "/v1/tokens", nil, "admin"),
        (.post, "/v1/tokens", #"{"name":"x","role":"read"}"#, "admin"),
    ]

    @Test("without a token, with a malformed or unknown token: 401 with WWW-Authenticate")
    func unauthenticated() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for (method, path, body, _) in Self.routes {
                for token in [nil, "nonsense", "pt_AAAAAAAAAAAA_" + String(repeating: "B", count: 40)] {
                    let reply = try await client.send(method, path, token: token, body: body)
                    #expect(reply.status == .unauthorized, "\(method) \(path) token \(token ?? "none")")
                    #expect(reply.problemType == "unauthorized")
                    #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
        }
    }

    @Test("each role on each route class: allowed at or above the route's role, 403 below")
    func roleMatrix() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let rank = ["read": 0, "ingest": 1, "admin": 2]
        try await environment.withClient { client in
            for (method, path, body, needed) in Self.routes {
                for (role, token) in [("read", environment.read), ("ingest", environment.ingest), ("admin", environment.admin)] {
                    let reply = try await client.send(method, path, token: token, body: body)
                    if rank[role]! >= rank[needed]! {
                        #expect([.ok, .created].contains(reply.status), "\(role) on \(method) \(path): \(reply.status)")
                    } else {
                        #expect(reply.status == .forbidden, "\(role) on \(method) \(path): \(reply.status)")
                        #expect(reply.problemType == "forbidden")
                    }
                }
            }
        }
    }

    @Test("a revoked token is refused at once")
    func revokedToken() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let created = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"name":"temp","role":"read"}"#)
            #expect(created.status == .created)
            let secret = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? Int)
            #expect(try await client.send(.get, "/v1/images", token: secret).status == .ok)
            let revoked = try await client.send(.delete, "/v1/tokens/\(id)", token: environment.admin)
            #expect(revoked.status == .ok)
            #expect(revoked.json["revoked_at"] is String)
            let after = try await client.send(.get, "/v1/images", token: secret)
            #expect(after.status == .unauthorized)
        }
    }

    @Test("a token revoked on another replica is refused once the cached entry expires")
    func revokedElsewhere() async throws {
        let clock = TestClock("2026-11-27T12:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        let token = try await environment.database.tokens.create(name: "temp", role: .read)
        try await environment.withClient { client in
            #expect(try await client.send(.get, "/v1/images", token: token.secret).status == .ok)
            // Revoked through the store, as another replica does: this process's
            // cache is not told.
            _ = try await environment.database.tokens.revoke(id: token.info.id)
            clock.set("2026-11-27T12:00:06Z")
            let after = try await client.send(.get, "/v1/images", token: token.secret)
            #expect(after.status == .unauthorized)
            #expect(try await client.send(.get, "/v1/images", token: environment.read).status == .ok)
        }
    }
}
