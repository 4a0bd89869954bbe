import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import PatchTrackHTTP

@Suite("Strict JSON input: every route refuses invalid UTF-8, NUL and repeated names, with nothing written")
struct StrictInputTests {
    /// One JSON route and a valid body for it, in which `@@` is replaced by the hostile text (inside a string).
    struct Route: Sendable, CustomTestStringConvertible {
        let uri: String
        let template: String
        /// The field path the NUL is reported at.
        let field: String
        var testDescription: String { uri }
    }

    static let routes: [Route] = [
        Route(uri: "/v1/images", template: #"{"reference":"app:1@\#(digest("a"))","labels":{"x":"@@"}}"#, field: "labels.x"),
        Route(uri: "/v1/scans?image=app@\(digest("b"))", template: cycloneDX(name: "ba@@sh"), field: "components[0].name"),
        Route(
            uri: "/v1/advisories",
            template: #"[{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","summary":"@@","affected":[]}]"#, field: "[0].summary"),
        Route(
            uri: "/v1/vex",
            template: #"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/@@","author":"t","timestamp":"2024-01-01T00:00:00Z","version":1,"statements":[]}"#,
            field: "@id"),
        Route(
            uri: "/v1/environments/prod/inventory",
            template: #"[{"namespace":"shop","workload":"w@@","container":"app","image":"app:1","digest":"\#(digest("1"))"}]"#,
            field: "[0].workload"),
        Route(uri: "/v1/builds", template: #"{"repository":"app","tag":"1","status":"started","message":"@@"}"#, field: "message"),
    ]

    /// A fresh environment with an environment `prod` and one image, and its fingerprint.
    private func prepared() async throws -> (TestEnvironment, String) {
        let environment = try await TestEnvironment()
        try await environment.withClient { client in
            let image = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"app:1@\#(digest("e"))"}"#)
            #expect(image.status == .created)
            let prod = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            #expect(prod.status == .created)
        }
        return (environment, try await environment.database.diagnostics.contentFingerprint())
    }

    @Test("invalid UTF-8 is 400 naming the byte offset", arguments: routes)
    func invalidUTF8(_ route: Route) async throws {
        let (environment, before) = try await prepared()
        defer { environment.remove() }
        let parts = route.template.components(separatedBy: "@@")
        let bytes = Array(parts[0].utf8) + [0xC3, 0x28] + Array(parts[1].utf8)
        let reply = try await environment.withClient { client in
            try await client.send(.post, route.uri, token: environment.ingest, bytes: bytes)
        }
        #expect(reply.status == .badRequest)
        #expect(reply.headers[.contentType] == "application/problem+json")
        #expect(reply.problemType == "malformed-json")
        #expect((reply.json["detail"] as? String)?.contains("invalid UTF-8 at byte offset \(parts[0].utf8.count)") == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("U+0000 in a string is 422 naming the field, escaped or raw", arguments: routes)
    func nul(_ route: Route) async throws {
        let (environment, before) = try await prepared()
        defer { environment.remove() }
        let parts = route.template.components(separatedBy: "@@")
        for bytes in [Array((parts[0] + #"\u0000"# + parts[1]).utf8), Array(parts[0].utf8) + [0] + Array(parts[1].utf8)] {
            let reply = try await environment.withClient { client in
                try await client.send(.post, route.uri, token: environment.ingest, bytes: bytes)
            }
            #expect(reply.status == .unprocessableContent)
            #expect(reply.problemType == "validation-failed")
            #expect(reply.errorFields == [route.field])
            #expect((reply.json["detail"] as? String)?.contains("NUL") == true)
        }
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("a repeated member name is 400 naming it", arguments: routes)
    func duplicateKey(_ route: Route) async throws {
        let (environment, before) = try await prepared()
        defer { environment.remove() }
        // The template's first member, repeated at the end of the top-level object (or of the first array element).
        let body = route.template.replacingOccurrences(of: "@@", with: "x")
        let brace = try #require(body.firstIndex(of: "{"))
        let duplicated = body[...brace] + #""zz_twice":1,"zz_twice":2,"# + body[body.index(after: brace)...]
        let reply = try await environment.withClient { client in
            try await client.send(.post, route.uri, token: environment.ingest, body: String(duplicated))
        }
        #expect(reply.status == .badRequest)
        #expect(reply.problemType == "malformed-json")
        #expect((reply.json["detail"] as? String)?.contains(#"duplicate member name "zz_twice""#) == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("a lone surrogate escape is 400")
    func loneSurrogate() async throws {
        let (environment, before) = try await prepared()
        defer { environment.remove() }
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"app:1@\#(digest("a"))","labels":{"x":"\ud800"}}"#)
        }
        #expect(reply.status == .badRequest)
        #expect(reply.problemType == "malformed-json")
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("a component named ba\\u0000sh is refused, not stored truncated")
    func truncatedName() async throws {
        let (environment, before) = try await prepared()
        defer { environment.remove() }
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/scans?image=app@\(digest("b"))", token: environment.ingest, body: cycloneDX(name: #"ba\u0000sh"#))
        }
        #expect(reply.status == .unprocessableContent)
        #expect(reply.errorFields == ["components[0].name"])
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }
}
