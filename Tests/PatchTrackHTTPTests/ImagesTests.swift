import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Images and repositories")
struct ImagesTests {
    @Test("registering is idempotent by digest: 201, then 200 with the same image")
    func idempotentRegistration() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let body = #"{"reference":"ghcr.io/acme/api:1.4@\#(digest("a"))","platform":"linux/amd64","created":"2026-11-01T10:00:00+02:00","labels":{"org.opencontainers.image.version":"1.4"},"source":{"repository":"https://github.com/acme/api","revision":"abc123"}}"#
            let first = try await client.send(.post, "/v1/images", token: environment.ingest, body: body)
            #expect(first.status == .created)
            #expect(first.headers[.location] == "/v1/images/\(digest("a"))")
            #expect(first.json["repository"] as? String == "ghcr.io/acme/api")
            #expect(first.json["created"] as? String == "2026-11-01T08:00:00.000Z")
            #expect((first.json["source"] as? [String: String])?["revision"] == "abc123")
            let second = try await client.send(.post, "/v1/images", token: environment.ingest, body: body)
            #expect(second.status == .ok)
            #expect(second.json["digest"] as? String == digest("a"))
            #expect(second.json["first_seen"] as? String == first.json["first_seen"] as? String)
            let list = try await client.send(.get, "/v1/images", token: environment.read)
            #expect((list.json["items"] as? [Any])?.count == 1)
            let shown = try await client.send(.get, "/v1/images/\(digest("a"))", token: environment.read)
            #expect(shown.status == .ok)
            #expect((shown.json["tags"] as? [[String: String]])?.first?["reference"] == "ghcr.io/acme/api:1.4")
        }
    }

    @Test("moving a tag records the move in its history")
    func tagHistory() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for character in ["a", "b", "a"] as [Character] {
                let reply = try await client.send(
                    .post, "/v1/images", token: environment.ingest,
                    body: #"{"repository":"localhost:5000/team/app","digest":"\#(digest(character))","tags":["stable"]}"#)
                #expect([.created, .ok].contains(reply.status))
            }
            for path in ["/v1/repositories/localhost:5000/team/app", "/v1/repositories/localhost%3A5000%2Fteam%2Fapp"] {
                let repository = try await client.send(.get, path, token: environment.read)
                #expect(repository.status == .ok, "\(path)")
                #expect(repository.json["name"] as? String == "localhost:5000/team/app")
                #expect(repository.json["image_count"] as? Int == 2)
                let tags = try #require(repository.json["tags"] as? [[String: Any]])
                #expect(tags.count == 1)
                #expect(tags[0]["digest"] as? String == digest("a"))
                let history = try #require(tags[0]["history"] as? [[String: String]])
                #expect(history.map { $0["digest"] } == [digest("a"), digest("b"), digest("a")])
                #expect(history.map { $0["previous_digest"] } == [nil, digest("a"), digest("b")])
            }
            let list = try await client.send(.get, "/v1/repositories", token: environment.read)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["localhost:5000/team/app"])
            #expect((items[0]["tags"] as? [[String: Any]])?.first?["history"] == nil)
        }
    }

    @Test("names with slashes, ports and dots, and docker's normalisation")
    func repositoryNames() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let cases = [
                ("ghcr.io/org/sub/app:1@\(digest("1"))", "ghcr.io/org/sub/app"),
                ("nginx:1.25@\(digest("2"))", "docker.io/library/nginx"),
                ("bitnami/redis@\(digest("3"))", "docker.io/bitnami/redis"),
                ("registry.example.com:5000/a/b/c:latest@\(digest("4"))", "registry.example.com:5000/a/b/c"),
            ]
            for (reference, repository) in cases {
                let reply = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"\#(reference)"}"#)
                #expect(reply.status == .created, "\(reference)")
                #expect(reply.json["repository"] as? String == repository)
                let shown = try await client.send(.get, "/v1/repositories/\(repository)", token: environment.read)
                #expect(shown.status == .ok, "\(repository)")
            }
            let filtered = try await client.send(.get, "/v1/images?repository=nginx&tag=1.25", token: environment.read)
            #expect((filtered.json["items"] as? [[String: Any]])?.map { $0["digest"] as? String } == [digest("2")])
            #expect(try await client.send(.get, "/v1/repositories/ghcr.io/org/none", token: environment.read).status == .notFound)
        }
    }

    @Test("a base reference registers the base image too")
    func baseImage() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let reply = try await client.send(
                .post, "/v1/images", token: environment.ingest,
                body: #"{"reference":"ghcr.io/acme/api:2@\#(digest("c"))","base":{"reference":"debian:12-slim@\#(digest("d"))"}}"#)
            #expect(reply.status == .created)
            let base = try #require(reply.json["base"] as? [String: String])
            #expect(base["repository"] == "docker.io/library/debian")
            #expect(base["digest"] == digest("d"))
            #expect(try await client.send(.get, "/v1/images/\(digest("d"))", token: environment.read).status == .ok)
        }
    }

    @Test("pagination follows next_cursor and the Link header to the end")
    func pagination() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for character in "12345" {
                _ = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"repository":"app","digest":"\#(digest(character))"}"#)
            }
            var seen: [String] = []
            var uri = "/v1/images?limit=2"
            var pages = 0
            while true {
                let page = try await client.send(.get, uri, token: environment.read)
                #expect(page.status == .ok)
                pages += 1
                seen += ((page.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["digest"] as? String }
                guard let cursor = page.json["next_cursor"] as? String else {
                    #expect(page.headers[.init("Link")!] == nil)
                    break
                }
                #expect(page.headers[.init("Link")!]?.contains("cursor=\(cursor)") == true)
                uri = "/v1/images?limit=2&cursor=\(cursor)"
            }
            #expect(pages == 3)
            #expect(seen == "12345".map { digest($0) })
            #expect(try await client.send(.get, "/v1/images?cursor=bogus", token: environment.read).status == .badRequest)
            #expect(try await client.send(.get, "/v1/images?limit=0", token: environment.read).status == .badRequest)
            #expect(try await client.send(.get, "/v1/images?limit=1001", token: environment.read).status == .badRequest)
        }
    }

    @Test("an unknown digest is 404; a malformed one is 400")
    func unknownImage() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            #expect(try await client.send(.get, "/v1/images/\(digest("f"))", token: environment.read).status == .notFound)
            let malformed = try await client.send(.get, "/v1/images/sha256:XYZ", token: environment.read)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorFields == ["digest"])
        }
    }
}
