import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Rebuild plan")
struct RebuildPlanTests {
    static let debian = "docker.io/library/debian"
    static let runtime = "ghcr.io/acme/runtime"
    static let app = "ghcr.io/acme/app"

    /// debian:12 (d1) ← runtime:1 (r1) ← app:latest (a1), created a week before the clock.
    private func registerChain(_ client: Client, _ environment: TestEnvironment) async throws {
        try await client.register(Self.debian, tag: "12", digest: digest("1"), token: environment.ingest)
        try await client.register(
            Self.runtime, tag: "1", digest: digest("2"), base: "\(Self.debian):12@\(digest("1"))", token: environment.ingest)
        try await client.register(
            Self.app, tag: "latest", digest: digest("3"), base: "\(Self.runtime):1@\(digest("2"))", token: environment.ingest)
    }

    @Test("a vulnerable base puts its three-level lineage in three waves, bases first")
    func threeLevelLineage() async throws {
        // given
        let clock = TestClock("2026-11-27T12:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            try await registerChain(client, environment)
            let seeder = Seeder(environment)
            try await seeder.finding(image: digest("1"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical", layer: "sha256:l1")
            try await seeder.finding(image: digest("3"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical", layer: "sha256:l1")
            try await seeder.finding(image: digest("3"), vulnerability: "CVE-2026-0002", package: "app-lib", layer: "sha256:l9")
            try await seeder.layer(image: digest("2"), layer: "sha256:l1")

            // when
            let reply = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read)

            // then
            #expect(reply.status == .ok)
            #expect(reply.json["wave_count"] as? Int == 3)
            #expect(reply.json["generated_at"] as? String == "2026-11-27T12:00:00.000Z")
            let items = try #require(reply.json["items"] as? [[String: Any]])
            #expect(items.map { $0["digest"] as? String } == [digest("1"), digest("2"), digest("3")])
            #expect(items.map { $0["wave"] as? Int } == [1, 2, 3])
            #expect(reasonCodes(items[0]) == ["fixable_vulnerability"])
            #expect(reasonCodes(items[1]) == ["base_image_needs_rebuild"])
            #expect(reasonCodes(items[2]) == ["fixable_vulnerability", "base_image_needs_rebuild"])
            let findings = try #require((items[2]["reasons"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])
            #expect(findings.map { $0["advisory"] as? String } == ["CVE-2026-0001", "CVE-2026-0002"])
            #expect(findings.map { $0["layer_origin"] as? String } == ["base", "image"])
            #expect(findings.first?["fixed_version"] as? String == "1.1")
            #expect(findings.first?["installed_version"] as? String == "1.0")
            let waiting = try #require((items[1]["reasons"] as? [[String: Any]])?.first)
            #expect(waiting["base_digest"] as? String == digest("1"))
            #expect(waiting["base_wave"] as? Int == 1)

            let explained = try await client.send(.get, "/v1/images/\(digest("3"))/rebuild", token: environment.read)
            #expect(explained.json["needs_rebuild"] as? Bool == true)
            #expect((explained.json["entry"] as? [String: Any])?["wave"] as? Int == 3)

            let csv = try await client.send(.get, "/v1/rebuilds/plan?wave=2", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "wave,digest,repository,tags,reasons,highest_severity,fixable_findings,created,base,kev,max_epss")
            #expect(lines.dropFirst().map { String($0) } == [
                "2,\(digest("2")),\(Self.runtime),1,base_image_needs_rebuild,,0,2026-11-20T00:00:00.000Z,\(Self.debian):12@\(digest("1")),false,"
            ])
        }
    }

    @Test("the plan pages only when asked: limit and cursor walk it in plan order, total counts it all")
    func paging() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            try await registerChain(client, environment)
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical")
            let whole = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read)
            #expect(whole.json["next_cursor"] == nil, "unpaged answers have no next_cursor")
            let order = try #require(whole.json["items"] as? [[String: Any]]).map { $0["digest"] as? String }
            #expect(order.count == 3)
            var seen: [String?] = []
            var cursor: String?
            repeat {
                let query = "limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.send(.get, "/v1/rebuilds/plan?\(query)", token: environment.read)
                #expect(page.status == .ok)
                #expect(page.json["total"] as? Int == 3)
                seen += try #require(page.json["items"] as? [[String: Any]]).map { $0["digest"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen == order)
            let csv = try await client.send(.get, "/v1/rebuilds/plan?limit=1", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.text.split(separator: "\r\n").count == 2)
            #expect(try await client.send(.get, "/v1/rebuilds/plan?limit=0", token: environment.read).status == .badRequest)
            #expect(try await client.send(.get, "/v1/rebuilds/plan?cursor=bogus", token: environment.read).status == .badRequest)
        }
    }

    @Test("a base tag that moves flags the images built on the old digest, and the old digest leaves the plan")
    func baseTagMoving() async throws {
        let clock = TestClock("2026-11-27T12:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given
            try await registerChain(client, environment)
            #expect(try await client.plan(token: environment.read).isEmpty)

            // when
            try await client.register(Self.debian, tag: "12", digest: digest("4"), token: environment.ingest)

            // then
            let items = try await client.plan(token: environment.read)
            #expect(items.map { $0["digest"] as? String } == [digest("2"), digest("3")])
            #expect(items.map(reasonCodes) == [["base_image_updated"], ["base_image_needs_rebuild"]])
            let moved = try #require((items[0]["reasons"] as? [[String: Any]])?.first)
            #expect(moved["base_tag"] as? String == "\(Self.debian):12")
            #expect(moved["built_from"] as? String == digest("1"))
            #expect(moved["current"] as? String == digest("4"))
            let old = try await client.send(.get, "/v1/images/\(digest("1"))/rebuild", token: environment.read)
            #expect(old.json["counted"] as? Bool == false)
        }
    }

    @Test("max age follows the injected clock, and a repository override can lift it")
    func maximumAge() async throws {
        let clock = TestClock("2026-11-25T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: created 2026-11-01, 24 days before the clock
            try await client.register(Self.app, tag: "latest", digest: digest("a"), created: "2026-11-01T00:00:00Z", token: environment.ingest)
            let before = try await client.send(.get, "/v1/images/\(digest("a"))/rebuild", token: environment.read)
            #expect(before.json["needs_rebuild"] as? Bool == false)
            let checks = try #require(before.json["checks"] as? [[String: String]])
            #expect(checks.map { $0["name"] } == [
                "fixable_vulnerability", "base_image_updated", "base_image_needs_rebuild", "max_age_exceeded", "untrusted_base",
                "unsigned_base", "requested",
            ])
            #expect(checks.first { $0["name"] == "max_age_exceeded" }?["detail"]?.contains("24 day(s) ago") == true)

            // when: 34 days later
            clock.set("2026-12-05T00:00:00Z")

            // then
            let items = try await client.plan(token: environment.read)
            #expect(items.map(reasonCodes) == [["max_age_exceeded"]])
            let reason = try #require((items.first?["reasons"] as? [[String: Any]])?.first)
            #expect(reason["age_days"] as? Int == 34)
            #expect(reason["max_age_days"] as? Int == 30)

            let lifted = try await client.send(
                .put, "/v1/repositories/\(Self.app)/policy", token: environment.admin, body: #"{"max_age_days":null}"#)
            #expect(lifted.status == .ok, "\(lifted.text)")
            #expect((lifted.json["effective"] as? [String: Any])?["max_age_days"] is NSNull)
            #expect(try await client.plan(token: environment.read).isEmpty)
        }
    }

    @Test("a VEX statement that the image is not affected removes the fixable_vulnerability reason")
    func vexSuppression() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given
            try await client.register(Self.app, tag: "latest", digest: digest("a"), token: environment.ingest)
            try await Seeder(environment).finding(image: digest("a"), vulnerability: "CVE-2026-0003", package: "zlib")
            #expect(try await client.plan(token: environment.read).map(reasonCodes) == [["fixable_vulnerability"]])

            // when
            try await Seeder(environment).vex(image: digest("a"), vulnerability: "CVE-2026-0003", status: "not_affected")

            // then
            #expect(try await client.plan(token: environment.read).isEmpty)
            let explained = try await client.send(.get, "/v1/images/\(digest("a"))/rebuild", token: environment.read)
            let checks = try #require(explained.json["checks"] as? [[String: String]])
            #expect(checks.first?["detail"] == "none of 1 finding(s) counts: 1 suppressed by VEX")
        }
    }

    @Test("trusted base patterns flag bases outside them; overrides apply per repository; changes are audited")
    func trustedPatterns() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given
            try await client.register("ghcr.io/other/base", tag: "1", digest: digest("b"), token: environment.ingest)
            try await client.register(Self.app, tag: "latest", digest: digest("a"), base: "ghcr.io/other/base:1@\(digest("b"))", token: environment.ingest)
            try await client.register(Self.runtime, tag: "1", digest: digest("c"), base: "debian:12@\(digest("d"))", token: environment.ingest)

            // when
            let updated = try await client.send(
                .put, "/v1/policy", token: environment.admin, body: #"{"trusted_base_repositories":["docker.io/library/*"]}"#)

            // then
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(updated.json["trusted_base_repositories"] as? [String] == ["docker.io/library/*"])
            #expect(updated.json["min_severity"] as? String == "high")
            let items = try await client.plan(token: environment.read)
            #expect(items.map { $0["digest"] as? String } == [digest("a")])
            #expect(items.map(reasonCodes) == [["untrusted_base"]])

            let override = try await client.send(
                .put, "/v1/repositories/\(Self.app)/policy", token: environment.admin,
                body: #"{"trusted_base_repositories":["ghcr.io/other/**"],"min_severity":"critical"}"#)
            #expect(override.status == .ok)
            #expect(try await client.plan(token: environment.read).isEmpty)

            let policy = try await client.send(.get, "/v1/policy", token: environment.admin)
            let repositories = try #require(policy.json["repositories"] as? [[String: Any]])
            #expect(repositories.map { $0["repository"] as? String } == [Self.app])
            #expect(repositories.first?["min_severity"] as? String == "critical")
            #expect(repositories.first?["max_age_days"] == nil)
            #expect((policy.json["sla_days"] as? [String: Int]) == ["critical": 2, "high": 7, "medium": 30, "low": 90])

            let changes = try await environment.database.policies.changes()
            #expect(changes.map(\.repository) == [nil, Self.app])
            #expect(changes.allSatisfy { $0.tokenName == "admin" })
            #expect(changes[0].oldValue?.contains(#""trusted_base_repositories":[]"#) == true)
            #expect(changes[0].newValue.contains(#""trusted_base_repositories":["docker.io\/library\/*"]"#) || changes[0].newValue.contains(#"["docker.io/library/*"]"#))
            #expect(changes[1].oldValue == nil)
        }
    }

    @Test("waves, then severity, finding count, age and digest order the plan the same way every time; filters narrow it")
    func deterministicOrder() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-11-27T12:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: four images in wave 1, one built on the critical one in wave 2
            let seeder = Seeder(environment)
            try await client.register("ghcr.io/acme/one", tag: "1", digest: digest("e"), created: "2026-11-10T00:00:00Z", token: environment.ingest)
            try await client.register("ghcr.io/acme/two", tag: "1", digest: digest("f"), created: "2026-11-11T00:00:00Z", token: environment.ingest)
            try await client.register("ghcr.io/acme/three", tag: "1", digest: digest("c"), created: "2026-11-12T00:00:00Z", token: environment.ingest)
            try await client.register("ghcr.io/acme/four", tag: "1", digest: digest("d"), created: "2026-11-09T00:00:00Z", token: environment.ingest)
            try await client.register(
                "ghcr.io/acme/child", tag: "1", digest: digest("0"), base: "ghcr.io/acme/three:1@\(digest("c"))", token: environment.ingest)
            try await seeder.finding(image: digest("e"), vulnerability: "CVE-1", package: "a")
            try await seeder.finding(image: digest("f"), vulnerability: "CVE-1", package: "a")
            try await seeder.finding(image: digest("f"), vulnerability: "CVE-2", package: "b")
            try await seeder.finding(image: digest("c"), vulnerability: "CVE-3", package: "c", severity: "critical")
            try await seeder.finding(image: digest("d"), vulnerability: "CVE-1", package: "a")

            // when
            let first = try await client.plan(token: environment.read)
            let second = try await client.plan(token: environment.read)

            // then: critical first, then two findings, then one finding oldest first; the child after its base
            let order = first.map { $0["digest"] as? String }
            #expect(order == [digest("c"), digest("f"), digest("d"), digest("e"), digest("0")])
            #expect(second.map { $0["digest"] as? String } == order)
            #expect(first.map { $0["wave"] as? Int } == [1, 1, 1, 1, 2])
            #expect(try await client.plan("?wave=2", token: environment.read).count == 1)
            #expect(try await client.plan("?min_severity=critical", token: environment.read).map { $0["digest"] as? String } == [digest("c")])
            #expect(try await client.plan("?reason=base_image_needs_rebuild", token: environment.read).count == 1)
            #expect(try await client.plan("?repository=ghcr.io/acme/two", token: environment.read).count == 1)
            let bad = try await client.send(.get, "/v1/rebuilds/plan?reason=bored", token: environment.read)
            #expect(bad.status == .badRequest)
            #expect(bad.problemType == "bad-request")
        }
    }

    @Test("a base that would make the lineage loop is refused with 422 naming the loop, and nothing is written")
    func cyclesRejected() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: b built on a
            try await client.register("ghcr.io/acme/a", tag: "1", digest: digest("a"), token: environment.ingest)
            try await client.register("ghcr.io/acme/b", tag: "1", digest: digest("b"), base: "ghcr.io/acme/a:1@\(digest("a"))", token: environment.ingest)
            let before = try await environment.database.diagnostics.contentFingerprint()

            // when
            let loop = try await client.send(
                .put, "/v1/images/\(digest("a"))/base", token: environment.ingest, body: #"{"reference":"ghcr.io/acme/b:1@\#(digest("b"))"}"#)

            // then
            #expect(loop.status == .unprocessableContent)
            #expect(loop.headers[.contentType] == "application/problem+json")
            #expect(loop.problemType == "lineage-cycle")
            #expect((loop.json["detail"] as? String)?.contains("\(digest("a")) → \(digest("b")) → \(digest("a"))") == true)
            #expect(try await environment.database.diagnostics.contentFingerprint() == before)

            let itself = try await client.send(
                .put, "/v1/images/\(digest("a"))/base", token: environment.ingest, body: #"{"reference":"ghcr.io/acme/a:1@\#(digest("a"))"}"#)
            #expect(itself.problemType == "lineage-cycle")

            let registered = try await client.send(
                .post, "/v1/images", token: environment.ingest,
                body: #"{"reference":"ghcr.io/acme/a:1@\#(digest("a"))","base":{"reference":"ghcr.io/acme/b:1@\#(digest("b"))"}}"#)
            #expect(registered.problemType == "lineage-cycle")
            #expect(try await environment.database.diagnostics.contentFingerprint() == before)

            let fine = try await client.send(
                .put, "/v1/images/\(digest("a"))/base", token: environment.ingest, body: #"{"reference":"debian:12@\#(digest("c"))"}"#)
            #expect(fine.status == .ok)
            #expect((fine.json["base"] as? [String: String])?["repository"] == "docker.io/library/debian")
        }
    }
}
