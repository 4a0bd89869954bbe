import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Open routes, unknown routes and undeclared methods")
struct SystemRoutesTests {
    @Test("health, readiness, metrics and the contract need no token")
    func openRoutes() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
            let contract = try await client.send(.get, "/openapi.yaml")
            #expect(contract.status == .ok)
            #expect(contract.text.hasPrefix("openapi: 3.1"))
            #expect(contract.text.contains("/v1/images/{digest}:"))
            _ = try await client.send(.get, "/v1/images", token: environment.read)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"patchtrack_http_requests_total{route="/v1/images",method="GET",status="200"} 1"#))
        }
    }

    @Test("an unknown route is a 404 problem")
    func unknownRoute() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let reply = try await client.send(.get, "/v1/nothing-here", token: environment.admin)
            #expect(reply.status == .notFound)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.problemType == "not-found")
        }
    }

    @Test("a known route with an undeclared method is a 405 with Allow", arguments: ["PUT", "TRACE", "PATCH", "DELETE"])
    func undeclaredMethod(method: String) async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let reply = try await client.send(.init(method)!, "/v1/images", token: environment.admin)
            #expect(reply.status == .methodNotAllowed)
            #expect(reply.headers[.allow] == "GET, POST")
            #expect(reply.problemType == "method-not-allowed")
            let digestRoute = try await client.send(.init(method)!, "/v1/images/\(digest("a"))", token: environment.admin)
            #expect(digestRoute.status == .methodNotAllowed)
            #expect(digestRoute.headers[.allow] == "GET")
        }
    }

    @Test("the request id is echoed when given and made when not")
    func requestID() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let echoed = try await client.send(.get, "/healthz", headers: [.init("X-Request-Id")!: "build-42"])
            #expect(echoed.headers[.init("X-Request-Id")!] == "build-42")
            let made = try await client.send(.get, "/healthz")
            #expect(made.headers[.init("X-Request-Id")!]?.count == 16)
        }
    }
}
