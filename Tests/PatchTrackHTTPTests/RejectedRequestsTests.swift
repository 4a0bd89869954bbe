import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

@Suite("Rejected requests answer a problem and leave the database exactly as it was")
struct RejectedRequestsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let contentType: String
        let status: HTTPResponse.Status
        let problem: String
        let fields: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: "{\"reference\": \n ,}", contentType: "application/json", status: .badRequest, problem: "malformed-json", fields: []),
        Case(name: "truncated JSON", body: #"{"reference": "nginx@sha"#, contentType: "application/json", status: .badRequest, problem: "malformed-json", fields: []),
        Case(name: "empty body", body: "", contentType: "application/json", status: .badRequest, problem: "malformed-json", fields: []),
        Case(name: "wrong shape", body: #"{"reference": 5}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["reference"]),
        Case(name: "array instead of object", body: #"[1,2]"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["$"]),
        Case(name: "invalid digest", body: #"{"repository":"app","digest":"sha256:1234"}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["digest"]),
        Case(name: "uppercase digest", body: #"{"repository":"app","digest":"sha256:\#(String(repeating: "A", count: 64))"}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["digest"]),
        Case(name: "invalid reference", body: #"{"reference":"Ghcr.io/ACME/App@\#(digest("a"))"}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["reference"]),
        Case(name: "reference without digest", body: #"{"reference":"nginx:1.25"}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["reference"]),
        Case(name: "several bad fields", body: #"{"repository":"a//b","digest":"md5:1","tags":["ok","-bad"],"created":"yesterday","platform":"amd64"}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["repository", "digest", "tags[1]", "created", "platform"]),
        Case(name: "base without digest", body: #"{"reference":"app@\#(digest("a"))","base":{"reference":"debian:12"}}"#, contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: ["base.reference"]),
        Case(name: "unsupported content type", body: "<image/>", contentType: "application/xml", status: .unsupportedMediaType, problem: "unsupported-media-type", fields: []),
        Case(name: "too deep", body: String(repeating: "[", count: 40) + String(repeating: "]", count: 40), contentType: "application/json", status: .unprocessableContent, problem: "validation-failed", fields: []),
        Case(name: "too large", body: #"{"labels":{"a":""# + String(repeating: "x", count: 70_000) + #""}}"#, contentType: "application/json", status: .contentTooLarge, problem: "payload-too-large", fields: []),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) async throws {
        let environment = try await TestEnvironment(maxBodySize: 64 * 1024)
        defer { environment.remove() }
        // given: one registered image
        try await environment.withClient { client in
            let seeded = try await client.send(.post, "/v1/images", token: environment.ingest, body: #"{"reference":"app:1@\#(digest("e"))"}"#)
            #expect(seeded.status == .created)
        }
        let before = try await environment.database.diagnostics.contentFingerprint()
        // when
        let reply = try await environment.withClient { client in
            try await client.send(
                .post, "/v1/images", token: environment.ingest, body: testCase.body,
                headers: [.contentType: testCase.contentType])
        }
        // then
        #expect(reply.status == testCase.status)
        #expect(reply.headers[.contentType] == "application/problem+json")
        #expect(reply.problemType == testCase.problem)
        #expect(reply.errorFields == testCase.fields)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("malformed JSON names the line and column")
    func syntaxPosition() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let reply = try await environment.withClient { client in
            try await client.send(.post, "/v1/images", token: environment.ingest, body: "{\n  \"reference\": \"x\",\n  \"tags\": [1,,2]\n}")
        }
        #expect(reply.status == .badRequest)
        #expect((reply.json["detail"] as? String)?.contains("line 3") == true)
    }

    @Test("curl's default form content type is read as JSON")
    func curlDefaultContentType() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let reply = try await environment.withClient { client in
            try await client.send(
                .post, "/v1/images", token: environment.ingest, body: #"{"reference":"app@\#(digest("9"))"}"#,
                headers: [.contentType: "application/x-www-form-urlencoded"])
        }
        #expect(reply.status == .created)
    }

    @Test("a NUL in a token name or a query parameter is refused and nothing is written")
    func nulCharacters() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        try await environment.withClient { client in
            let token = try await client.send(.post, "/v1/tokens", token: environment.admin, body: #"{"name":"ci\u0000x","role":"ingest"}"#)
            #expect(token.status == .unprocessableContent && token.problemType == "validation-failed")
            let query = try await client.send(.get, "/v1/images/\(digest("a"))/components?ecosystem=%00deb", token: environment.read)
            #expect(query.status == .badRequest && query.problemType == "bad-request")
        }
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }
}
