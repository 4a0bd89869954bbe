import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

/// Real documents from the Core test target's fixtures (sources and licences in Tests/Fixtures/README.md).
func scanFixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "PatchTrackCoreTests/Fixtures/scans/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite("Scan ingest and component reads")
struct ScansTests {
    static let alpineDigest = "sha256:c75ac27b49326926b803b9ed43bf088bc220d22556de1bc5f72d742c91398f69"

    @Test("a Syft document registers its image from the repo digest; posting it again changes nothing but last-seen")
    func syftAndIdempotence() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let document = try scanFixture("syft-native-alpine3.12.json")
        try await environment.withClient { client in
            let first = try await client.send(.post, "/v1/scans", token: environment.ingest, body: document)
            #expect(first.status == .created)
            #expect(first.json["format"] as? String == "syft")
            #expect((first.json["image"] as? [String: String])?["digest"] == Self.alpineDigest)
            #expect((first.json["image"] as? [String: String])?["repository"] == "docker.io/library/alpine")
            #expect(first.json["components"] as? Int == 14)
            #expect((first.json["components_by_ecosystem"] as? [String: Int])?["Alpine"] == 14)
            #expect((first.json["tool"] as? [String: String])?["name"] == "syft")

            let again = try await client.send(.post, "/v1/scans", token: environment.ingest, body: document)
            #expect(again.status == .ok)
            #expect(again.json["unchanged"] as? Bool == true)
            #expect(again.json["scan_id"] as? Int == first.json["scan_id"] as? Int)

            let scans = try await client.send(.get, "/v1/images/\(Self.alpineDigest)/scans", token: environment.read)
            #expect((scans.json["items"] as? [[String: Any]])?.count == 1)

            let components = try await client.send(.get, "/v1/images/\(Self.alpineDigest)/components?limit=1000", token: environment.read)
            let items = try #require(components.json["items"] as? [[String: Any]])
            #expect(items.count == 14)
            let musl = try #require(items.first { $0["name"] as? String == "musl" })
            #expect((musl["purl"] as? String)?.hasPrefix("pkg:apk/alpine/musl@") == true)
            #expect(musl["release"] as? String != nil)

            let csv = try await client.send(
                .get, "/v1/images/\(Self.alpineDigest)/components?name=musl", token: environment.read,
                headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "image,purl,ecosystem,release,name,version,source_name,source_version,layer")
            #expect(lines.count == 2)

            let shipped = try await client.send(.get, "/v1/components?purl=pkg:apk/alpine/musl", token: environment.read)
            let images = try #require(shipped.json["items"] as? [[String: Any]])
            #expect(images.map { $0["image"] as? String } == [Self.alpineDigest])
            let noSuchVersion = try await client.send(.get, "/v1/components?purl=pkg:apk/alpine/musl@0.0.1", token: environment.read)
            #expect((noSuchVersion.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a Trivy report without a repo digest needs ?image=; with it the image is registered with its tag")
    func trivyNeedsImage() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let document = try scanFixture("trivy-debian-buster.json")
        let before = try await environment.database.diagnostics.contentFingerprint()
        try await environment.withClient { client in
            let missing = try await client.send(.post, "/v1/scans", token: environment.ingest, body: document)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["image"])
            #expect(try await environment.database.diagnostics.contentFingerprint() == before)

            let reference = "ghcr.io/aquasecurity/trivy-test-images:debian-buster@\(digest("1"))"
            let posted = try await client.send(.post, "/v1/scans?image=\(reference)", token: environment.ingest, body: document)
            #expect(posted.status == .created)
            #expect(posted.json["format"] as? String == "trivy")
            #expect(posted.json["scanner_verdicts"] as? Int == 2)
            let image = try await client.send(.get, "/v1/images/\(digest("1"))", token: environment.read)
            #expect((image.json["tags"] as? [[String: String]])?.first?["name"] == "debian-buster")
        }
    }

    @Test("a newer inventory replaces the component set")
    func replacement() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let reference = "registry.example.com/base/alpine:3@\(digest("2"))"
        try await environment.withClient { client in
            let first = try await client.send(
                .post, "/v1/scans?image=\(reference)", token: environment.ingest, body: try scanFixture("syft-cdx1.4-alpine3.16.2.json"))
            #expect(first.status == .created)
            #expect(first.json["format"] as? String == "cyclonedx")
            let second = try await client.send(
                .post, "/v1/scans?image=\(reference)", token: environment.ingest, body: try scanFixture("syft-native-alpine3.12.json"))
            #expect(second.status == .created)
            #expect(second.json["replaced_components"] as? Bool == true)
            let components = try await client.send(.get, "/v1/images/\(digest("2"))/components?limit=1000", token: environment.read)
            let items = try #require(components.json["items"] as? [[String: Any]])
            #expect(items.count == 14)
            // Alpine 3.12's musl, not 3.16's, is what the image holds now.
            let musl = try #require(items.first { $0["name"] as? String == "musl" })
            #expect((musl["version"] as? String)?.hasPrefix("1.1.24") == true)
            let scans = try await client.send(.get, "/v1/images/\(digest("2"))/scans", token: environment.read)
            #expect((scans.json["items"] as? [[String: Any]])?.map { $0["format"] as? String } == ["syft", "cyclonedx"])
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let contentType: String
        let query: String
        let status: HTTPResponse.Status
        let problem: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "not JSON", body: "hello", contentType: "application/json", query: "", status: .badRequest, problem: "malformed-json"),
        BadInput(name: "truncated", body: #"{"SchemaVersion": 2, "Results": ["#, contentType: "application/json", query: "", status: .badRequest, problem: "malformed-json"),
        BadInput(name: "unknown JSON", body: #"{"hello": "world"}"#, contentType: "application/json", query: "", status: .unprocessableContent, problem: "unsupported-document"),
        BadInput(name: "wrong shape", body: #"{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Target": "x", "Packages": [{"Name": 5}]}]}"#, contentType: "application/json", query: "", status: .unprocessableContent, problem: "validation-failed"),
        BadInput(name: "XML", body: "<bom/>", contentType: "application/vnd.cyclonedx+xml", query: "", status: .unsupportedMediaType, problem: "unsupported-media-type"),
        BadInput(name: "deep nesting", body: String(repeating: "[", count: 100) + String(repeating: "]", count: 100), contentType: "application/json", query: "", status: .unprocessableContent, problem: "validation-failed"),
        BadInput(name: "bad ?image", body: "{}", contentType: "application/json", query: "?image=app:1", status: .badRequest, problem: "bad-request"),
        BadInput(name: "bad digest in ?image", body: "{}", contentType: "application/json", query: "?image=app@sha256:12", status: .badRequest, problem: "bad-request"),
        BadInput(name: "too large", body: "[" + String(repeating: "1,", count: 40_000) + "1]", contentType: "application/json", query: "", status: .contentTooLarge, problem: "payload-too-large"),
    ]

    @Test("bad documents are refused and write nothing", arguments: badInputs)
    func badInput(_ input: BadInput) async throws {
        let environment = try await TestEnvironment(maxBodySize: 64 * 1024)
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let reply = try await environment.withClient { client in
            try await client.send(
                .post, "/v1/scans\(input.query)", token: environment.ingest, body: input.body,
                headers: [.contentType: input.contentType])
        }
        #expect(reply.status == input.status)
        #expect(reply.problemType == input.problem)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("component reads: unknown image 404, missing purl 400")
    func readErrors() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let components = try await client.send(.get, "/v1/images/\(digest("9"))/components", token: environment.read)
            #expect(components.status == .notFound)
            let scans = try await client.send(.get, "/v1/images/\(digest("9"))/scans", token: environment.read)
            #expect(scans.status == .notFound)
            let noPURL = try await client.send(.get, "/v1/components", token: environment.read)
            #expect(noPURL.status == .badRequest)
            let badPURL = try await client.send(.get, "/v1/components?purl=notapurl", token: environment.read)
            #expect(badPURL.status == .badRequest)
        }
    }
}
