import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Dashboard image page")
struct DashboardImageViewTests {
    private func json(_ text: String) throws -> APIValue {
        APIValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    private func chrome() -> DashboardChrome {
        DashboardChrome(current: .other, token: TokenInfo(id: 1, name: "dashboard", role: .read, createdAt: "2026-01-01T00:00:00.000Z"))
    }

    private static let image = """
        {"digest": "\(digest("1"))", "repository": "registry.example.com/team a/b",
         "tags": [{"repository": "registry.example.com/team a/b", "name": "latest", "reference": "registry.example.com/team a/b:latest"}],
         "created": "2026-02-01T00:00:00.000Z", "labels": {"team": "<b>shop</b>"}, "first_seen": "2026-02-01T01:00:00.000Z",
         "last_seen": "2026-02-02T01:00:00.000Z", "predecessor": "\(digest("0"))", "successor": "\(digest("2"))",
         "base": {"reference": "registry.example.com/base/debian:12@\(digest("b"))", "repository": "registry.example.com/base/debian",
                  "digest": "\(digest("b"))"},
         "signature": {"state": "invalid", "key": null, "checked_at": "2026-02-01T02:00:00.000Z", "detail": "<no> signature verifies", "source": "tag"}}
        """
    private static let base = """
        {"digest": "\(digest("b"))", "repository": "registry.example.com/base/debian",
         "tags": [{"repository": "registry.example.com/base/debian", "name": "12", "reference": "registry.example.com/base/debian:12"}],
         "labels": {}, "first_seen": "2026-01-01T00:00:00.000Z", "last_seen": "2026-01-01T00:00:00.000Z",
         "base": {"reference": "docker.io/library/debian:12@\(digest("c"))", "repository": "docker.io/library/debian", "digest": "\(digest("c"))"},
         "signature": {"state": "unchecked", "key": null, "checked_at": null, "detail": null, "source": null}}
        """
    private static let successor = """
        {"digest": "\(digest("2"))", "repository": "registry.example.com/team a/b", "tags": [], "labels": {},
         "first_seen": "2026-03-01T00:00:00.000Z", "last_seen": "2026-03-01T00:00:00.000Z", "predecessor": "\(digest("1"))",
         "signature": {"state": "verified", "key": "ci", "checked_at": null, "detail": null, "source": "referrers"}}
        """
    private static let findings = """
        {"items": [
          {"id": 7, "image": "\(digest("1"))", "repository": "registry.example.com/team a/b", "package": "libssl3", "purl": "pkg:deb/debian/libssl3@3.0.9-1",
           "installed_version": "3.0.9-1", "fixed_version": "3.0.11-1", "fixable": true, "advisory": "TEST-DSA-7", "vulnerability_id": "CVE-2099-0007",
           "severity": "critical", "state": "suppressed", "source": "both", "first_detected": "2026-02-01T01:00:00.000Z",
           "statement": {"id": 3, "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                         "impact_statement": "<script>alert(1)</script>", "format": "openvex"},
           "suppressed_by": {"id": 3, "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                             "impact_statement": "<script>alert(1)</script>", "format": "openvex"},
           "kev": {"date_added": "2026-01-02", "ransomware": false}, "epss": {"score": 0.123, "percentile": 0.9, "date": "2026-02-01"}},
          {"image": "\(digest("1"))", "repository": "registry.example.com/team a/b", "package": "zlib", "installed_version": "1.2",
           "fixable": false, "advisory": "<script>", "vulnerability_id": "<script>", "severity": "low", "state": "affected", "source": "scanner",
           "kev": null, "epss": null}
        ], "next_cursor": "MTI"}
        """
    private static let disagreements = """
        {"image": "\(digest("1"))", "items": [{"kind": "scanner_only", "reason": "advisory <script> is not loaded in PatchTrack",
          "finding": {"advisory": "<script>", "package": "zlib", "severity": "low", "state": "affected", "source": "scanner"}}]}
        """
    private static let rebuild = """
        {"digest": "\(digest("1"))", "counted": true, "needs_rebuild": true, "detail": "the image needs a rebuild in wave 2: requested",
         "checks": [], "entry": {"digest": "\(digest("1"))", "repository": "registry.example.com/team a/b", "tags": ["latest"], "wave": 2,
         "fixable_findings": 0, "kev": false, "reasons": [{"code": "requested", "summary": "requested by ops",
         "requests": [{"requested_by": "ops", "reason": "<i>now</i>", "requested_at": "2026-02-03T00:00:00.000Z"}]}]}}
        """
    private static let builds = """
        {"items": [
          {"id": 9, "repository": "registry.example.com/team a/b", "tag": "latest", "status": "succeeded", "digest": "\(digest("2"))",
           "replaces": "\(digest("1"))", "url": "javascript:alert(1)", "message": "<i>done</i>", "started_at": "2026-03-01T00:00:00.000Z",
           "finished_at": "2026-03-01T00:10:00.000Z", "reported_by": "ci"},
          {"id": 8, "repository": "registry.example.com/team a/b", "tag": "other", "status": "failed", "replaces": "\(digest("5"))",
           "started_at": "2026-02-01T00:00:00.000Z", "reported_by": "ci"}
        ], "next_cursor": null}
        """
    private static let running = """
        {"digest": "\(digest("1"))", "replicas": 3, "items": [
          {"environment": "prod-eu", "workload": "shop/checkout", "container": "app", "init": false, "replicas": 3}]}
        """

    private func view(filters: [String: String] = [:], findings: String = Self.findings) throws -> ImageView {
        let image = try json(Self.image)
        let base = try json(Self.base)
        return ImageView(
            image: image, bases: [(image["base"], base), (base["base"], nil)], successors: [try json(Self.successor)],
            findings: try json(findings), filters: filters, disagreements: try json(Self.disagreements), rebuild: try json(Self.rebuild),
            builds: try json(Self.builds), running: try json(Self.running), chrome: chrome())
    }

    @Test("lineage up and rebuilds down link to image pages; an untracked base is not linked")
    func lineage() throws {
        // when
        let view = try view()
        // then
        #expect(view.lineage.map(\.stepHref) == [DashboardFormat.imagePath(digest("b")), nil])
        #expect(view.lineage.first?.tags == ["12"])
        #expect(view.lineage.last?.reference == "docker.io/library/debian:12@\(digest("c"))")
        #expect(view.predecessor?.stepHref == DashboardFormat.imagePath(digest("0")))
        #expect(view.successors.map(\.stepHref) == [DashboardFormat.imagePath(digest("2"))])
        #expect(view.tags.map(\.name) == ["latest"])
        #expect(view.signatureState == "invalid")
        #expect(view.signatureDetail == "<no> signature verifies")
    }

    @Test("findings carry their VEX statement, scanner agreement and advisory links; the pager keeps filters and size")
    func findings() throws {
        // when
        let view = try view(filters: ["state": "suppressed", "min_severity": "low", "limit": "2", "cursor": "MQ"])
        // then
        #expect(view.findings.map(\.advisoryHref) == ["/ui/advisories/TEST-DSA-7", "/ui/advisories/%3Cscript%3E"])
        #expect(view.findings.first?.statement == "not_affected")
        #expect(view.findings.first?.impact == "<script>alert(1)</script>")
        #expect(view.findings.first?.kev == true)
        #expect(view.findings.first?.epss == "0.12")
        #expect(view.findings.map(\.foundBy) == ["PatchTrack and scanner", "Scanner only"])
        #expect(view.findings.last?.fixed == "no fix yet")
        let path = DashboardFormat.imagePath(digest("1"))
        #expect(view.pager.next == path + "?min_severity=low&state=suppressed&limit=2&cursor=MTI")
        #expect(view.pager.first == path + "?min_severity=low&state=suppressed&limit=2")
        #expect(view.pager.csv == path + "/findings.csv?min_severity=low&state=suppressed&limit=2&cursor=MQ")
        #expect(view.disagreements.map(\.kind) == ["scanner_only"])
        #expect(view.disagreements.first?.advisoryHref == "/ui/advisories/%3Cscript%3E")
    }

    @Test("rebuild reasons, the builds naming the image (http links only) and where it runs")
    func rebuildBuildsRuns() throws {
        // when
        let view = try view()
        // then
        #expect(view.needsRebuild)
        #expect(view.wave == 2)
        #expect(view.reasons.map(\.code) == ["requested"])
        #expect(view.builds.map(\.id) == [9], "the build of another digest is left out")
        #expect(view.builds.first?.relation == "rebuilds this image")
        #expect(view.builds.first?.otherHref == DashboardFormat.imagePath(digest("2")))
        #expect(view.builds.first?.urlHref == nil, "a javascript: URL is not linked")
        #expect(view.runs.map(\.workload) == ["shop/checkout"])
        #expect(view.runs.first?.environmentHref == "/ui/environments/prod-eu")
        #expect(view.runs.first?.replicas == 3)
    }

    @Test("the page escapes every value and has no script, no inline style")
    func rendering() throws {
        // when
        let html = DashboardRenderer.shared.html("image", try view())
        // then
        #expect(html.contains(#"<dd id="image-repository">registry.example.com/team a/b</dd>"#))
        #expect(html.contains("&lt;b&gt;shop&lt;/b&gt;"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;i&gt;done&lt;/i&gt;"))
        #expect(html.contains("&lt;i&gt;now&lt;/i&gt;"))
        #expect(html.contains(#"<tr data-advisory="TEST-DSA-7" data-package="libssl3" data-state="suppressed">"#))
        #expect(html.contains(#"<a href="\#(DashboardFormat.imagePath(digest("b")))">"#))
        #expect(html.contains(#"id="next-page""#))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("style=\""))
    }

    @Test("no findings, no builds, nowhere running: each says so")
    func empty() throws {
        // when
        let view = try view(findings: #"{"items": [], "next_cursor": null}"#)
        let html = DashboardRenderer.shared.html("image", view)
        // then
        #expect(view.pager.next == nil)
        #expect(html.contains(#"<td colspan="9" class="muted" id="findings-empty">No finding.</td>"#))
        #expect(!html.contains(#"id="next-page""#))
    }

    @Test("GET /ui/images/{digest} shows the API's answers about the image; an unknown image is the API's 404 as a page")
    func route() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: a base, an image built on it with a finding, a build that names it, and an environment running it
            let repository = "registry.example.com/shop/checkout"
            try await client.register("registry.example.com/base/debian", tag: "12", digest: digest("b"), token: environment.ingest)
            try await client.register(
                repository, tag: "latest", digest: digest("1"), base: "registry.example.com/base/debian:12@\(digest("b"))",
                token: environment.ingest)
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2099-0001", package: "libssl3")
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2099-0002", package: "zlib", severity: "low")
            let build = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(repository)","tag":"latest","status":"started","message":"<script>alert(1)</script>"}"#)
            #expect(build.status == .created, "\(build.text)")
            #expect(try await client.send(.put, "/v1/environments/prod-eu", token: environment.admin, body: #"{"stage":"production","order":1}"#).status == .created)
            let inventory = try await client.send(
                .post, "/v1/environments/prod-eu/inventory", token: environment.ingest,
                body: #"[{"namespace":"shop","workload":"checkout","container":"app","image":"\#(repository):latest","digest":"\#(digest("1"))","replicas":3}]"#)
            #expect(inventory.status == .created, "\(inventory.text)")
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session: HTTPFields = [.cookie: try #require(cookie)]
            // when
            let page = try await client.send(.get, "/ui/images/\(digest("1"))", headers: session)
            let csv = try await client.send(.get, "/ui/images/\(digest("1"))/findings.csv", headers: session)
            let unknown = try await client.send(.get, "/ui/images/\(digest("7"))", headers: session)
            let first = try await client.send(.get, "/ui/images/\(digest("1"))?state=affected&limit=1", headers: session)
            let next = try #require(DashboardSLAViewTests.nextPage(first.text))
            let second = try await client.send(.get, next, headers: session)
            // then
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<dd id="image-repository">\#(repository)</dd>"#))
            #expect(page.text.contains(#"<a href="/ui/images/\#(digest("b"))">registry.example.com/base/debian:12@\#(digest("b"))</a>"#))
            #expect(page.text.contains(#"<a href="/ui/advisories/CVE-2099-0001">CVE-2099-0001</a>"#))
            #expect(page.text.contains(#"<tr data-environment="prod-eu" data-workload="shop/checkout">"#))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(csv.status == .ok)
            #expect(csv.text.contains("CVE-2099-0001"))
            #expect(csv.headers[.contentDisposition] == #"attachment; filename="findings.csv""#)
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "text/html; charset=utf-8")
            #expect(unknown.text.contains(#"<p id="error-status">404</p>"#))
            // The findings page by the API's cursor, the filter kept.
            #expect(next.hasPrefix("/ui/images/\(digest("1"))?state=affected&limit=1&cursor="))
            #expect(first.text.contains(#"data-package="libssl3""#) && !first.text.contains(#"data-package="zlib""#))
            #expect(second.text.contains(#"data-package="zlib""#) && !second.text.contains(#"data-package="libssl3""#))
            #expect(DashboardSLAViewTests.nextPage(second.text) == nil)
        }
    }
}
