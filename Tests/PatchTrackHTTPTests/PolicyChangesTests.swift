import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Policy audit trail")
struct PolicyChangesTests {
    @Test("every policy change is listed with who made it, before and after; admins only")
    func auditTrail() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let empty = try await client.send(.get, "/v1/policy/changes", token: environment.admin)
            #expect(empty.status == .ok)
            #expect((empty.json["items"] as? [Any])?.isEmpty == true)
            let defaults = try await client.send(.put, "/v1/policy", token: environment.admin, body: #"{"min_severity":"critical"}"#)
            #expect(defaults.status == .ok, "\(defaults.text)")
            let override = try await client.send(
                .put, "/v1/repositories/ghcr.io/acme/api/policy", token: environment.admin, body: #"{"max_age_days":90}"#)
            #expect(override.status == .ok, "\(override.text)")
            let changes = try await client.send(.get, "/v1/policy/changes", token: environment.admin)
            let items = try #require(changes.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.map { $0["token_name"] as? String } == ["admin", "admin"])
            #expect(items[0]["repository"] is NSNull)
            #expect(items[1]["repository"] as? String == "ghcr.io/acme/api")
            #expect(items[0]["new"] is [String: Any])
            #expect(items[1]["old"] is NSNull)
            let forbidden = try await client.send(.get, "/v1/policy/changes", token: environment.ingest)
            #expect(forbidden.status == .forbidden)
        }
    }
}
