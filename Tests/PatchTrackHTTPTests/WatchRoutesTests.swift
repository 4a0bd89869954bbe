import Foundation
import HTTPTypes
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Watches: creation, validation, status and polls on demand")
struct WatchRoutesTests {
    @Test("a watch of explicit tags and one of a tag pattern are created (201), shown and listed with their status")
    func create() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // when a watch names tags of a short repository name
            let tags = try await client.send(.post, "/v1/watches", token: environment.admin, body: #"{"repository":"debian","tags":["12-slim","12"]}"#)

            // then it is 201 with the name normalised, the default interval, and due at once
            #expect(tags.status == .created, "\(tags.text)")
            let id = try #require(tags.json["id"] as? Int)
            #expect(tags.headers[.location] == "/v1/watches/\(id)")
            #expect(tags.json["repository"] as? String == "docker.io/library/debian")
            #expect(tags.json["tags"] as? [String] == ["12-slim", "12"])
            #expect(tags.json["tag_pattern"] is NSNull)
            #expect(tags.json["interval_minutes"] as? Int == 60)
            #expect(tags.json["created_at"] is String)
            for key in ["next_run", "last_poll", "last_change", "last_error"] {
                #expect(tags.json[key] is NSNull, "\(key)")
            }
            #expect((tags.json["tags_seen"] as? [String: String])?.isEmpty == true)
            #expect(tags.json["polls_total"] as? Int == 0 && tags.json["errors_total"] as? Int == 0)

            // when a watch selects tags by a pattern, on a registry with a port
            let pattern = try await client.send(
                .post, "/v1/watches", token: environment.admin,
                body: #"{"repository":"localhost:5000/team/base","tag_pattern":"v[0-9]+\\.[0-9]+","interval_minutes":15,"tags":null}"#)
            #expect(pattern.status == .created, "\(pattern.text)")
            #expect(pattern.json["tags"] is NSNull)
            #expect(pattern.json["tag_pattern"] as? String == #"v[0-9]+\.[0-9]+"#)
            #expect(pattern.json["interval_minutes"] as? Int == 15)
            #expect(pattern.json["repository"] as? String == "localhost:5000/team/base")

            // then both are read back, by id
            let shown = try await client.send(.get, "/v1/watches/\(id)", token: environment.admin)
            #expect(shown.status == .ok)
            #expect(shown.json["repository"] as? String == "docker.io/library/debian")
            let listed = try await client.send(.get, "/v1/watches", token: environment.admin)
            #expect(listed.status == .ok)
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["repository"] as? String }
                == ["docker.io/library/debian", "localhost:5000/team/base"])
            #expect(listed.json["next_cursor"] is NSNull)
            #expect(try await environment.database.watches.watch(id: Int64(id))?.tokenName == "admin")
        }
    }

    @Test("bad fields are 422 naming the field, and nothing is stored")
    func validation() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let cases: [(String, String)] = [
                (#"{"repository":"debian"}"#, "tags"),
                (#"{"repository":"debian","tags":null,"tag_pattern":null}"#, "tags"),
                (#"{"repository":"debian","tags":["12"],"tag_pattern":"1[0-9]"}"#, "tags"),
                (#"{"repository":"debian","tags":[]}"#, "tags"),
                (#"{"repository":"debian","tags":["12","-bad"]}"#, "tags"),
                (#"{"repository":"debian","tags":"12"}"#, "tags"),
                (#"{"repository":"debian","tag_pattern":"v(1"}"#, "tag_pattern"),
                (#"{"repository":"debian","tag_pattern":"[a-"}"#, "tag_pattern"),
                (#"{"repository":"debian","tag_pattern":""}"#, "tag_pattern"),
                (#"{"repository":"debian","tag_pattern":"\#(String(repeating: "a", count: 257))"}"#, "tag_pattern"),
                (#"{"repository":"Debian Slim","tags":["12"]}"#, "repository"),
                (#"{"repository":"","tags":["12"]}"#, "repository"),
                (#"{"repository":"docker.io/Library/Debian","tags":["12"]}"#, "repository"),
                (#"{"repository":"debian:12","tags":["12"]}"#, "repository"),
                (#"{"tags":["12"]}"#, "repository"),
                (#"{"repository":"debian","tags":["12"],"interval_minutes":0}"#, "interval_minutes"),
                (#"{"repository":"debian","tags":["12"],"interval_minutes":10081}"#, "interval_minutes"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.post, "/v1/watches", token: environment.admin, body: body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.problemType == "validation-failed", "\(body)")
                #expect(reply.errorFields == [field], "\(body): \(reply.text)")
            }
            let malformed = try await client.send(.post, "/v1/watches", token: environment.admin, body: #"{"repository":"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.problemType == "malformed-json")
            #expect(try await environment.database.watches.list().isEmpty)
        }
    }

    @Test("POST …/poll is 202 with the watch due now (next_run null); the status of a poll shows in reads")
    func poll() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given a watch a worker polled: it is due an interval later and recorded what it saw
            let created = try await client.send(.post, "/v1/watches", token: environment.admin, body: #"{"repository":"ghcr.io/acme/base","tags":["1"]}"#)
            let id = Int64(try #require(created.json["id"] as? Int))
            let stored = try #require(try await environment.database.watches.watch(id: id))
            try await environment.database.watches.beginPoll(stored)
            try await environment.database.watches.recordPoll(
                id: id, images: [], tagsSeen: ["1": digest("a")], error: "registry unreachable: connection refused")
            let polled = try await client.send(.get, "/v1/watches/\(id)", token: environment.admin)
            #expect(polled.json["next_run"] is String)
            #expect(polled.json["last_poll"] is String)
            #expect(polled.json["last_change"] is NSNull)
            #expect(polled.json["last_error"] as? String == "registry unreachable: connection refused")
            #expect(polled.json["tags_seen"] as? [String: String] == ["1": digest("a")])
            #expect(polled.json["polls_total"] as? Int == 1 && polled.json["errors_total"] as? Int == 1)

            // when a poll is asked for
            let asked = try await client.send(.post, "/v1/watches/\(id)/poll", token: environment.admin)

            // then it is 202 with the watch due now, and a worker finds it due
            #expect(asked.status == .accepted, "\(asked.text)")
            #expect(asked.json["id"] as? Int == Int(id))
            #expect(asked.json["next_run"] is NSNull)
            #expect(asked.json["tags_seen"] as? [String: String] == ["1": digest("a")])
            #expect(try await environment.database.watches.watch(id: id)?.nextRun == nil)
            #expect(try await environment.database.watches.due().map(\.id) == [id])
        }
    }

    @Test("an unknown or malformed id is 404 on every route; DELETE removes a watch once")
    func notFound() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let created = try await client.send(.post, "/v1/watches", token: environment.admin, body: #"{"repository":"debian","tags":["12"]}"#)
            let id = try #require(created.json["id"] as? Int)
            for missing in ["999", "0", "-1", "abc", "1.0", "99999999999999999999"] {
                for (method, path) in [
                    (HTTPRequest.Method.get, "/v1/watches/\(missing)"), (.delete, "/v1/watches/\(missing)"), (.post, "/v1/watches/\(missing)/poll"),
                ] {
                    let reply = try await client.send(method, path, token: environment.admin)
                    #expect(reply.status == .notFound, "\(method) \(path)")
                    #expect(reply.problemType == "not-found")
                }
            }
            #expect(try await client.send(.delete, "/v1/watches/\(id)", token: environment.admin).status == .noContent)
            #expect(try await client.send(.get, "/v1/watches/\(id)", token: environment.admin).status == .notFound)
            #expect(try await client.send(.delete, "/v1/watches/\(id)", token: environment.admin).status == .notFound)
            #expect(try await client.send(.post, "/v1/watches/\(id)/poll", token: environment.admin).status == .notFound)
            #expect((try await client.send(.get, "/v1/watches", token: environment.admin).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("every watch route is admin-only: read and ingest tokens get 403 and change nothing")
    func adminOnly() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let created = try await client.send(.post, "/v1/watches", token: environment.admin, body: #"{"repository":"debian","tags":["12"]}"#)
            let id = try #require(created.json["id"] as? Int)
            try await environment.database.watches.beginPoll(try #require(try await environment.database.watches.watch(id: Int64(id))))
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/watches", #"{"repository":"alpine","tags":["3"]}"#), (.get, "/v1/watches", nil), (.get, "/v1/watches/\(id)", nil),
                (.delete, "/v1/watches/\(id)", nil), (.post, "/v1/watches/\(id)/poll", nil),
            ]
            for (method, path, body) in routes {
                for token in [environment.read, environment.ingest] {
                    let reply = try await client.send(method, path, token: token, body: body)
                    #expect(reply.status == .forbidden, "\(method) \(path)")
                    #expect(reply.problemType == "forbidden")
                }
                #expect(try await client.send(method, path, body: body).status == .unauthorized, "\(method) \(path)")
            }
            let watches = try await environment.database.watches.list()
            #expect(watches.map(\.id) == [Int64(id)])
            #expect(watches.first?.nextRun != nil)
        }
    }
}
