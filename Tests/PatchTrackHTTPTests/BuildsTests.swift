import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

@Suite("Builds and rebuild requests")
struct BuildsTests {
    static let app = "ghcr.io/acme/app"

    @Test("a build started then succeeded supersedes the old digest; the successor's scan decides each finding's fate")
    func buildClosesTheLoop() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024, now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        let syft = try scanFixture("syft-native-alpine3.12.json")
        try await environment.withClient { client in
            // given: the old digest with a finding in musl (kept by the rebuild) and one in a package it drops
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            let scanned = try await client.send(.post, "/v1/scans?image=\(Self.app)@\(digest("a"))", token: environment.ingest, body: syft)
            #expect(scanned.status == .created)
            let musl = try await client.send(.get, "/v1/images/\(digest("a"))/components?name=musl", token: environment.read)
            let muslPURL = try #require((musl.json["items"] as? [[String: Any]])?.first?["purl"] as? String)
            let seeder = Seeder(environment)
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-1000", package: "musl", purl: muslPURL)
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-2000", package: "fakepkg", purl: "pkg:apk/alpine/fakepkg@1.0")
            let requested = try await client.send(
                .post, "/v1/rebuilds/requests", token: environment.ingest, body: #"{"digest":"\#(digest("a"))","reason":"monthly refresh"}"#)
            #expect(requested.status == .created)
            #expect(requested.json["requested_by"] as? String == "ci")
            let planned = try await client.plan(token: environment.read)
            #expect(planned.map(reasonCodes) == [["fixable_vulnerability", "requested"]])

            // when: started, then succeeded
            let started = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"latest","status":"started","url":"https://ci.example/1"}"#)
            #expect(started.status == .created, "\(started.text)")
            #expect(started.json["replaces"] as? String == digest("a"))
            #expect(started.json["finished_at"] == nil)
            let succeeded = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"latest","status":"succeeded","digest":"\#(digest("b"))","replaces":"\#(digest("a"))","message":"ok"}"#)

            // then: the same build, finished; the tag moved; the old digest left the plan
            #expect(succeeded.status == .ok, "\(succeeded.text)")
            #expect(succeeded.json["id"] as? Int == started.json["id"] as? Int)
            #expect(succeeded.json["status"] as? String == "succeeded")
            #expect(succeeded.json["url"] as? String == "https://ci.example/1")
            #expect(succeeded.json["fixed_in_successor"] == nil)
            #expect(try await client.plan(token: environment.read).isEmpty)
            let old = try await client.send(.get, "/v1/images/\(digest("a"))", token: environment.read)
            #expect(old.json["successor"] as? String == digest("b"))
            #expect((old.json["tags"] as? [Any])?.isEmpty == true)
            let new = try await client.send(.get, "/v1/images/\(digest("b"))", token: environment.read)
            #expect(new.json["predecessor"] as? String == digest("a"))
            #expect((new.json["tags"] as? [[String: String]])?.first?["name"] == "latest")
            #expect(try await seeder.count("SELECT count(*) FROM rebuildRequest WHERE closedAt IS NOT NULL") == 1)
            let explained = try await client.send(.get, "/v1/images/\(digest("a"))/rebuild", token: environment.read)
            #expect(explained.json["counted"] as? Bool == false)
            #expect((explained.json["detail"] as? String)?.contains("superseded by \(digest("b"))") == true)

            // when: the new digest's scan arrives
            let rescanned = try await client.send(.post, "/v1/scans?image=\(Self.app)@\(digest("b"))", token: environment.ingest, body: syft)
            #expect(rescanned.status == .created)

            // then
            let builds = try await client.send(.get, "/v1/builds", token: environment.read)
            let build = try #require((builds.json["items"] as? [[String: Any]])?.first)
            #expect(build["fixed_in_successor"] as? Int == 1)
            #expect(build["still_present"] as? Int == 1)
            #expect(try await seeder.count("SELECT count(*) FROM findingFate WHERE fate = 'fixed_in_successor'") == 1)
            #expect(try await seeder.count(
                "SELECT count(*) FROM findingFate ff JOIN finding f ON f.id = ff.findingId WHERE ff.fate = 'still_present' AND f.packageName = 'musl'") == 1)
        }
    }

    @Test("end to end with matching: an advisory puts the image in the plan; the rebuild's scan fixes the finding")
    func endToEndWithMatching() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        let repository = "registry.example.com/test/app"
        let vulnerable = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12"
        let patched = "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&upstream=openssl&distro=debian-12"
        try await environment.withClient { client in
            // given: the image, its scan and a critical advisory with a fix
            try await client.register(repository, tag: "latest", digest: digest("1"), token: environment.ingest)
            let scan = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: [vulnerable]))
            #expect(scan.status == .created, "\(scan.text)")
            let advisory = osvRecord(
                id: "TEST-DSA-9", aliases: ["CVE-2099-0009"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1",
                severity: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: advisory).status == .created)

            // then: in the plan with the matched finding
            let planned = try await client.plan(token: environment.read)
            #expect(planned.map(reasonCodes) == [["fixable_vulnerability"]])
            let finding = try #require((planned.first?["reasons"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])
            #expect(finding.first?["advisory"] as? String == "CVE-2099-0009")
            #expect(finding.first?["package"] as? String == "libssl3")
            #expect(finding.first?["fixed_version"] as? String == "3.0.11-1")
            #expect(finding.first?["severity"] as? String == "critical")

            // when: the rebuild succeeds and its scan arrives
            let build = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(repository)","tag":"latest","status":"succeeded","digest":"\#(digest("2"))"}"#)
            #expect(build.json["replaces"] as? String == digest("1"))
            _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("2"), purls: [patched]))

            // then
            #expect(try await client.plan(token: environment.read).isEmpty)
            let builds = try await client.send(.get, "/v1/builds", token: environment.read)
            let item = try #require((builds.json["items"] as? [[String: Any]])?.first)
            #expect(item["fixed_in_successor"] as? Int == 1)
            #expect(item["still_present"] as? Int == 0)
        }
    }

    @Test("a build cannot finish with the digest its started report said it replaces (422, nothing written)")
    func finishingWithTheReplacedDigest() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: a digest tracked in another repository, named as replaced by a started build
            try await client.register("ghcr.io/acme/other", tag: "1", digest: digest("0"), token: environment.ingest)
            let started = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"0","status":"started","replaces":"\#(digest("0"))"}"#)
            #expect(started.status == .created, "\(started.text)")

            // when
            let finished = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"0","status":"succeeded","digest":"\#(digest("0"))"}"#)

            // then
            #expect(finished.status == .unprocessableContent, "\(finished.text)")
            #expect(finished.errorFields == ["digest"])
            let builds = try await client.send(.get, "/v1/builds", token: environment.read)
            #expect((builds.json["items"] as? [[String: Any]])?.map { $0["status"] as? String } == ["started"])
        }
    }

    @Test("a failed build keeps the plan entry; builds list by status and repository, page by page")
    func failedBuildKeepsEntry() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            _ = try await client.send(
                .post, "/v1/rebuilds/requests", token: environment.admin, body: #"{"digest":"\#(digest("a"))","reason":"openssl"}"#)

            // when
            let started = try await client.send(
                .post, "/v1/builds", token: environment.ingest, body: #"{"repository":"\#(Self.app)","tag":"latest","status":"started"}"#)
            let failed = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"latest","status":"failed","message":"tests failed"}"#)
            let other = try await client.send(
                .post, "/v1/builds", token: environment.ingest, body: #"{"repository":"ghcr.io/acme/other","tag":"1","status":"started"}"#)

            // then
            #expect(started.status == .created)
            #expect(failed.status == .ok)
            #expect(failed.json["status"] as? String == "failed")
            #expect(failed.json["message"] as? String == "tests failed")
            #expect(other.status == .created)
            let items = try await client.plan(token: environment.read)
            #expect(items.map { $0["digest"] as? String } == [digest("a")])
            #expect(items.map(reasonCodes) == [["requested"]])
            let failedList = try await client.send(.get, "/v1/builds?status=failed", token: environment.read)
            #expect((failedList.json["items"] as? [[String: Any]])?.map { $0["repository"] as? String } == [Self.app])
            let byRepository = try await client.send(.get, "/v1/builds?repository=ghcr.io/acme/other", token: environment.read)
            #expect((byRepository.json["items"] as? [Any])?.count == 1)
            let firstPage = try await client.send(.get, "/v1/builds?limit=1", token: environment.read)
            #expect((firstPage.json["items"] as? [[String: Any]])?.first?["repository"] as? String == "ghcr.io/acme/other")
            let cursor = try #require(firstPage.json["next_cursor"] as? String)
            #expect(firstPage.headers[.link]?.contains("rel=\"next\"") == true)
            let secondPage = try await client.send(.get, "/v1/builds?limit=1&cursor=\(cursor)", token: environment.read)
            #expect((secondPage.json["items"] as? [[String: Any]])?.first?["repository"] as? String == Self.app)
            #expect(secondPage.json["next_cursor"] is NSNull)
            let csv = try await client.send(.get, "/v1/builds?status=failed", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.split(separator: "\r\n").count == 2)
            #expect(csv.text.contains(",failed,") && csv.text.hasSuffix(",tests failed\r\n"))
        }
    }

    @Test("builds list by digest: those that produced the image or rebuild it; none for an untracked one; 400 for a malformed one")
    func buildsByDigest() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: a rebuild of a into b, a failed build of the same repository, and a build of another repository
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            let rebuild = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"latest","status":"succeeded","digest":"\#(digest("b"))","replaces":"\#(digest("a"))"}"#)
            #expect(rebuild.status == .created, "\(rebuild.text)")
            _ = try await client.send(
                .post, "/v1/builds", token: environment.ingest, body: #"{"repository":"\#(Self.app)","tag":"next","status":"failed"}"#)
            _ = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"ghcr.io/acme/other","tag":"1","status":"succeeded","digest":"\#(digest("c"))"}"#)

            // when / then
            for image in [digest("a"), digest("b")] {
                let answer = try await client.send(.get, "/v1/builds?digest=\(image)", token: environment.read)
                #expect(answer.status == .ok)
                #expect((answer.json["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [rebuild.json["id"] as? Int])
            }
            let other = try await client.send(.get, "/v1/builds?digest=\(digest("c"))&repository=\(Self.app)", token: environment.read)
            #expect((other.json["items"] as? [Any])?.isEmpty == true)
            let untracked = try await client.send(.get, "/v1/builds?digest=\(digest("e"))", token: environment.read)
            #expect(untracked.status == .ok && (untracked.json["items"] as? [Any])?.isEmpty == true)
            for bad in ["sha256:abc", ""] {
                let malformed = try await client.send(.get, "/v1/builds?digest=\(bad)", token: environment.read)
                #expect(malformed.status == .badRequest)
                #expect(malformed.headers[.contentType] == "application/problem+json")
                #expect((malformed.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "digest")
            }
        }
    }

    @Test("a success reported after the new digest took the tag replaces the digest the tag pointed to before")
    func successAfterTagMoved() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: CI registered (or scanned) the new digest with the tag before reporting the build
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            try await client.register(Self.app, tag: "latest", digest: digest("b"), token: environment.ingest)

            // when
            let reply = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.app)","tag":"latest","status":"succeeded","digest":"\#(digest("b"))"}"#)

            // then
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply.json["replaces"] as? String == digest("a"))
            let old = try await client.send(.get, "/v1/images/\(digest("a"))", token: environment.read)
            #expect(old.json["successor"] as? String == digest("b"))
        }
    }

    @Test("the new routes enforce their roles: 401 without a token, 403 with too low a role; 405 lists the methods")
    func roles() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
                (.get, "/v1/policy", nil, .unauthorized),
                (.get, "/v1/policy", environment.ingest, .forbidden),
                (.get, "/v1/policy", environment.admin, .ok),
                (.put, "/v1/policy", environment.ingest, .forbidden),
                (.put, "/v1/repositories/ghcr.io/acme/app/policy", environment.ingest, .forbidden),
                (.put, "/v1/repositories/ghcr.io/acme/app/policy", environment.admin, .ok),
                (.get, "/v1/rebuilds/plan", environment.read, .ok),
                (.get, "/v1/rebuilds/plan", nil, .unauthorized),
                (.post, "/v1/rebuilds/requests", environment.read, .forbidden),
                (.post, "/v1/builds", environment.read, .forbidden),
                (.get, "/v1/builds", environment.read, .ok),
                (.put, "/v1/images/\(digest("a"))/base", environment.read, .forbidden),
                (.get, "/v1/images/\(digest("a"))/rebuild", environment.read, .notFound),
            ]
            for (method, path, token, status) in cases {
                let reply = try await client.send(method, path, token: token, body: method == .get ? nil : "{}")
                #expect(reply.status == status, "\(method) \(path)")
            }
            let deletePolicy = try await client.send(.delete, "/v1/policy", token: environment.admin)
            #expect(deletePolicy.status == .methodNotAllowed)
            #expect(deletePolicy.headers[.allow] == "GET, PUT")
            let putRepository = try await client.send(.put, "/v1/repositories/ghcr.io/acme/app", token: environment.admin, body: "{}")
            #expect(putRepository.status == .methodNotAllowed)
            #expect(putRepository.headers[.allow] == "GET")
            let getPolicyPath = try await client.send(.delete, "/v1/repositories/ghcr.io/acme/app/policy", token: environment.admin)
            #expect(getPolicyPath.headers[.allow] == "GET, PUT")
        }
    }

    @Test("bad bodies are answered with problem+json naming the fields, and nothing is written")
    func badBodies() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            let before = try await environment.database.diagnostics.contentFingerprint()
            let cases: [(HTTPRequest.Method, String, String, String, HTTPResponse.Status, [String])] = [
                (.put, "/v1/policy", environment.admin, #"{"min_severity":"severe","max_age_days":-1,"sla_days":{"low":-2}}"#,
                 .unprocessableContent, ["min_severity", "max_age_days", "sla_days.low"]),
                (.put, "/v1/policy", environment.admin, #"{"require_fix":"yes"}"#, .unprocessableContent, ["require_fix"]),
                (.put, "/v1/policy", environment.admin, #"{"min_severity":"#, .badRequest, []),
                (.put, "/v1/repositories/\(Self.app)/policy", environment.admin, #"{"trusted_base_repositories":[""]}"#,
                 .unprocessableContent, ["trusted_base_repositories[0]"]),
                (.post, "/v1/builds", environment.ingest, #"{"repository":"\#(Self.app)","tag":"latest","status":"succeeded"}"#,
                 .unprocessableContent, ["digest"]),
                (.post, "/v1/builds", environment.ingest, #"{"repository":"Bad Name","tag":"-x","status":"done"}"#,
                 .unprocessableContent, ["repository", "tag", "status"]),
                (.post, "/v1/builds", environment.ingest,
                 #"{"repository":"\#(Self.app)","tag":"latest","status":"started","replaces":"\#(digest("f"))"}"#,
                 .unprocessableContent, ["replaces"]),
                (.post, "/v1/rebuilds/requests", environment.ingest, #"{"digest":"\#(digest("f"))","reason":"x"}"#,
                 .unprocessableContent, ["digest"]),
                (.post, "/v1/rebuilds/requests", environment.ingest, #"{"digest":"\#(digest("a"))","reason":"  "}"#,
                 .unprocessableContent, ["reason"]),
                (.put, "/v1/images/\(digest("a"))/base", environment.ingest, #"{"reference":"debian:12"}"#,
                 .unprocessableContent, ["reference"]),
            ]
            for (method, path, token, body, status, fields) in cases {
                let reply = try await client.send(method, path, token: token, body: body)
                #expect(reply.status == status, "\(path) \(body): \(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json")
                #expect(reply.errorFields == fields, "\(path) \(body)")
            }
            #expect(try await environment.database.diagnostics.contentFingerprint() == before)
        }
    }
}
