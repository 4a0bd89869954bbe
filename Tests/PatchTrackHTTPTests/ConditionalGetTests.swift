import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

@Suite("Conditional GETs")
struct ConditionalGetTests {
    @Test(
        "a polled read carries an ETag; If-None-Match with it is a 304 without a body until the data changes",
        arguments: ["/v1/images", "/v1/findings", "/v1/environments", "/v1/rollouts", "/v1/status", "/v1/rebuilds/plan"])
    func revalidation(path: String) async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given a first answer and its tag
            let first = try await client.send(.get, path, token: environment.read)
            #expect(first.status == .ok)
            let tag = try #require(first.headers[.eTag])
            #expect(tag.hasPrefix("\"") && tag.hasSuffix("\""))

            // when it is asked again with the tag (strong, weak, in a list, or any)
            let conditions: [@Sendable (String) -> String] = [{ $0 }, { "W/\($0)" }, { "\"other\", \($0)" }, { _ in "*" }]
            for condition in conditions {
                #expect(try await Self.revalidated(client, path, token: environment.read, condition: condition))
            }
            let otherTag = try await client.send(.get, path, token: environment.read, headers: [.ifNoneMatch: "\"other\""])
            #expect(otherTag.status == .ok)
            #expect(otherTag.headers[.eTag] != nil)

            // when the data changes, the old tag no longer matches
            let registered = try await client.send(
                .post, "/v1/images", token: environment.ingest,
                body: #"{"reference":"ghcr.io/acme/api:1@\#(digest("c"))","created":"2020-01-01T00:00:00Z"}"#)
            #expect(registered.status == .created)
            let environmentPut = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            #expect(environmentPut.status == .created)
            if path == "/v1/images" || path == "/v1/environments" || path == "/v1/status" || path == "/v1/rebuilds/plan" {
                let changed = try await client.send(.get, path, token: environment.read, headers: [.ifNoneMatch: tag])
                #expect(changed.status == .ok)
                #expect(changed.headers[.eTag] != tag)
            }
        }
    }

    /// Whether `path` answers 304 without a body to the `If-None-Match` that `condition` makes of a fresh tag. A 200
    /// is accepted only with a body other than the tagged one (the plan is recomputed each minute and the status ages,
    /// which a slow machine can reach between two requests), and then the check starts over, a few times at most.
    static func revalidated(
        _ client: Client, _ path: String, token: String, condition: (String) -> String
    ) async throws -> Bool {
        for _ in 0..<5 {
            let first = try await client.send(.get, path, token: token)
            let tag = try #require(first.headers[.eTag])
            let again = try await client.send(.get, path, token: token, headers: [.ifNoneMatch: condition(tag)])
            if again.status == .notModified {
                #expect(again.body.isEmpty)
                #expect(again.headers[.eTag] == tag)
                return true
            }
            #expect(again.status == .ok)
            #expect(again.body != first.body)
        }
        return false
    }

    @Test("the plan's JSON and CSV answers have different tags, each revalidated on its own")
    func representations() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let json = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read)
            let csv = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read, headers: [.accept: "text/csv"])
            let jsonTag = try #require(json.headers[.eTag])
            let csvTag = try #require(csv.headers[.eTag])
            #expect(jsonTag != csvTag)
            let jsonWithCSVTag = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read, headers: [.ifNoneMatch: csvTag])
            #expect(jsonWithCSVTag.status == .ok)
        }
    }

    @Test("errors, writes and open routes carry no ETag")
    func onlySuccessfulReads() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let missing = try await client.send(.get, "/v1/images/\(digest("d"))", token: environment.read, headers: [.ifNoneMatch: "*"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[.eTag] == nil)
            let write = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"ghcr.io/acme/api:1@\#(digest("d"))"}"#)
            #expect(write.headers[.eTag] == nil)
            let health = try await client.send(.get, "/healthz")
            #expect(health.headers[.eTag] == nil)
        }
    }
}
