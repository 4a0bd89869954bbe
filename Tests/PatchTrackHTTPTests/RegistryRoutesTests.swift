import Foundation
import HTTPTypes
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Registries: settings, write-only credentials and their validation")
struct RegistryRoutesTests {
    static let password = "s3cret-password-never-answered"
    static let token = "ghp_token-never-answered-0123456789"

    @Test("PUT creates (201) then replaces (200) a host with a port; no password or token is ever answered")
    func lifecycle() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given a registry on loopback with Basic credentials
            let basic = #"{"url":"http://127.0.0.1:5000","insecure":true,"auth":{"username":"ci","password":"\#(Self.password)"}}"#

            // when it is created
            let created = try await client.send(.put, "/v1/registries/localhost:5000", token: environment.admin, body: basic)

            // then it is 201 with its settings and the kind of credentials, not the password
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.location] == "/v1/registries/localhost:5000")
            #expect(created.json["host"] as? String == "localhost:5000")
            #expect(created.json["url"] as? String == "http://127.0.0.1:5000")
            #expect(created.json["insecure"] as? Bool == true)
            #expect(created.json["auth"] as? [String: String] == ["kind": "basic", "username": "ci"])
            #expect(created.json["last_success"] is NSNull && created.json["last_error"] is NSNull && created.json["last_error_at"] is NSNull)
            #expect(!created.text.contains(Self.password))
            let createdAt = try #require(created.json["created_at"] as? String)

            // when it is replaced with a token
            let replaced = try await client.send(
                .put, "/v1/registries/localhost:5000", token: environment.admin,
                body: #"{"url":"http://127.0.0.1:5000","insecure":true,"auth":{"token":"\#(Self.token)"}}"#)

            // then it is 200, the kind changed, and neither secret comes back from any read
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(replaced.headers[.location] == nil)
            #expect(replaced.json["auth"] as? [String: String] == ["kind": "token"])
            #expect(replaced.json["created_at"] as? String == createdAt)
            let shown = try await client.send(.get, "/v1/registries/localhost:5000", token: environment.admin)
            #expect(shown.status == .ok)
            #expect(shown.json["auth"] as? [String: String] == ["kind": "token"])
            let listed = try await client.send(.get, "/v1/registries", token: environment.admin)
            #expect(listed.status == .ok)
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["host"] as? String } == ["localhost:5000"])
            #expect(listed.json["next_cursor"] is NSNull)
            for reply in [replaced, shown, listed] {
                #expect(!reply.text.contains(Self.token) && !reply.text.contains(Self.password), "\(reply.text)")
                #expect(!reply.text.contains("\"password\"") && !reply.text.contains("\"secret\""))
            }

            // and the token is stored apart, for the poller alone
            let access = try await environment.database.registries.access(host: "localhost:5000")
            #expect(access.credentials == .token(Self.token))

            // when it is replaced without auth, the stored credentials are gone
            let anonymous = try await client.send(
                .put, "/v1/registries/localhost:5000", token: environment.admin, body: #"{"url":"http://127.0.0.1:5000","insecure":true}"#)
            #expect(anonymous.status == .ok)
            #expect(anonymous.json["auth"] as? [String: String] == ["kind": "none"])
            #expect(try await environment.database.registries.access(host: "localhost:5000").credentials == nil)

            // when it is deleted, it is gone
            #expect(try await client.send(.delete, "/v1/registries/localhost:5000", token: environment.admin).status == .noContent)
            #expect(try await client.send(.get, "/v1/registries/localhost:5000", token: environment.admin).status == .notFound)
            #expect(try await client.send(.delete, "/v1/registries/localhost:5000", token: environment.admin).status == .notFound)
        }
    }

    @Test("absent url is the host's default (Docker Hub's API host for docker.io); a port and an IPv6 literal may be percent-encoded")
    func defaults() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let hub = try await client.send(.put, "/v1/registries/docker.io", token: environment.admin, body: "{}")
            #expect(hub.status == .created, "\(hub.text)")
            #expect(hub.json["url"] as? String == "https://registry-1.docker.io")
            #expect(hub.json["insecure"] as? Bool == false)
            #expect(hub.json["auth"] as? [String: String] == ["kind": "none"])
            let ghcr = try await client.send(.put, "/v1/registries/ghcr.io", token: environment.admin, body: #"{"auth":null}"#)
            #expect(ghcr.json["url"] as? String == "https://ghcr.io")
            let encoded = try await client.send(.get, "/v1/registries/localhost%3A5000", token: environment.admin)
            #expect(encoded.status == .notFound)
            _ = try await client.send(.put, "/v1/registries/localhost%3A5000", token: environment.admin, body: "{}")
            let literal = try await client.send(
                .put, "/v1/registries/%5B::1%5D:5000", token: environment.admin, body: #"{"url":"http://[::1]:5000","insecure":true}"#)
            #expect(literal.status == .created, "\(literal.text)")
            #expect(literal.json["host"] as? String == "[::1]:5000")
            let plain = try await client.send(.get, "/v1/registries/localhost:5000", token: environment.admin)
            #expect(plain.status == .ok)
            #expect(plain.json["url"] as? String == "https://localhost:5000")
            let hosts = (try await client.send(.get, "/v1/registries", token: environment.admin).json["items"] as? [[String: Any]])?
                .map { $0["host"] as? String }
            #expect(hosts == ["[::1]:5000", "docker.io", "ghcr.io", "localhost:5000"])
        }
    }

    @Test("bad settings are 422 naming the field, a bad host 400 on PUT and 404 elsewhere, and nothing is stored")
    func validation() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let cases: [(String, String)] = [
                (#"{"url":"http://registry.example.com"}"#, "url"),
                (#"{"url":"http://registry.example.com","insecure":false}"#, "url"),
                (#"{"url":"ftp://registry.example.com"}"#, "url"),
                (#"{"url":"https://user:pw@registry.example.com"}"#, "url"),
                (#"{"url":"https://registry.example.com?x=1"}"#, "url"),
                (#"{"url":"not a url"}"#, "url"),
                (#"{"url":"https://[0]:5000"}"#, "url"),
                (#"{"url":5}"#, "url"),
                (#"{"insecure":"yes"}"#, "insecure"),
                (#"{"auth":{}}"#, "auth"),
                (#"{"auth":"ci:password"}"#, "auth"),
                (#"{"auth":{"username":"ci","password":"p","token":"t"}}"#, "auth"),
                (#"{"auth":{"username":"ci"}}"#, "auth.password"),
                (#"{"auth":{"password":"p"}}"#, "auth.username"),
                (#"{"auth":{"username":"c:i","password":"p"}}"#, "auth.username"),
                (#"{"auth":{"username":"","password":"p"}}"#, "auth.username"),
                (#"{"auth":{"username":"ci","password":""}}"#, "auth.password"),
                (#"{"auth":{"token":""}}"#, "auth.token"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.put, "/v1/registries/registry.example.com", token: environment.admin, body: body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.problemType == "validation-failed", "\(body)")
                #expect(reply.errorFields == [field], "\(body): \(reply.text)")
                #expect(!reply.text.contains("\"p\""), "\(body): a secret is not echoed")
            }
            let malformed = try await client.send(.put, "/v1/registries/registry.example.com", token: environment.admin, body: "{")
            #expect(malformed.status == .badRequest)
            #expect(malformed.problemType == "malformed-json")
            for host in ["-bad.example.com", "bad_host", "a..b", "host:port", "%5B0%5D", "%5Bf%5D:5000", String(repeating: "a", count: 254)] {
                let put = try await client.send(.put, "/v1/registries/\(host)", token: environment.admin, body: "{}")
                #expect(put.status == .badRequest, "\(host): \(put.text)")
                #expect(put.problemType == "bad-request")
                #expect(put.errorFields == ["host"])
                #expect(try await client.send(.get, "/v1/registries/\(host)", token: environment.admin).status == .notFound)
                #expect(try await client.send(.delete, "/v1/registries/\(host)", token: environment.admin).status == .notFound)
            }
            #expect(try await environment.database.registries.list().isEmpty)
        }
    }

    @Test("every registry route is admin-only")
    func adminOnly() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/registries/ghcr.io", token: environment.admin, body: #"{"auth":{"token":"\#(Self.token)"}}"#)
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/registries", nil), (.get, "/v1/registries/ghcr.io", nil), (.put, "/v1/registries/ghcr.io", "{}"),
                (.delete, "/v1/registries/ghcr.io", nil),
            ]
            for (method, path, body) in routes {
                for token in [environment.read, environment.ingest] {
                    let reply = try await client.send(method, path, token: token, body: body)
                    #expect(reply.status == .forbidden, "\(method) \(path)")
                    #expect(reply.problemType == "forbidden")
                    #expect(!reply.text.contains(Self.token))
                }
                #expect(try await client.send(method, path, body: body).status == .unauthorized, "\(method) \(path)")
            }
            // The refused PUT changed nothing.
            #expect(try await environment.database.registries.access(host: "ghcr.io").credentials == .token(Self.token))
        }
    }
}
