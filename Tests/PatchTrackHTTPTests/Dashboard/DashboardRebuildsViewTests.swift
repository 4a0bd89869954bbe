import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Dashboard rebuild queue")
struct DashboardRebuildsViewTests {
    private func json(_ text: String) throws -> APIValue {
        APIValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    private func chrome() -> DashboardChrome {
        DashboardChrome(current: .rebuilds, token: TokenInfo(id: 1, name: "dashboard", role: .read, createdAt: "2026-01-01T00:00:00.000Z"))
    }

    /// A `/v1/rebuilds/plan` answer of two waves, in the API's shape.
    private static let plan = """
        {"generated_at": "2026-12-05T02:20:02.998Z", "wave_count": 2, "total": 2, "items": [
          {"digest": "\(digest("b"))", "repository": "registry.example.com/base/debian", "tags": ["12"], "wave": 1,
           "created": "2026-01-01T00:00:00.000Z", "fixable_findings": 0, "kev": false,
           "reasons": [{"code": "max_age_exceeded", "summary": "created 338 day(s) ago, more than the maximum of 30",
                        "created": "2026-01-01T00:00:00.000Z", "age_days": 338, "max_age_days": 30}]},
          {"digest": "\(digest("1"))", "repository": "registry.example.com/team a/b", "tags": ["latest", "<script>"], "wave": 2,
           "created": "2026-02-01T00:00:00.000Z", "fixable_findings": 1, "highest_severity": "critical", "kev": true, "max_epss": 0.4321,
           "base": {"repository": "registry.example.com/base/debian", "tag": "12", "digest": "\(digest("b"))"},
           "reasons": [
             {"code": "fixable_vulnerability", "summary": "1 finding(s) call for a rebuild, the worst critical",
              "findings": [{"advisory": "<script>", "package": "libssl3", "installed_version": "3.0.9-1", "fixed_version": "3.0.11-1",
                            "severity": "critical", "layer_origin": "image"}]},
             {"code": "base_image_needs_rebuild", "summary": "base is rebuilt in wave 1", "base_digest": "\(digest("b"))",
              "base_repository": "registry.example.com/base/debian", "base_wave": 1},
             {"code": "requested", "summary": "requested by ops",
              "requests": [{"requested_by": "ops", "reason": "<script>alert(1)</script>", "requested_at": "2026-12-05T02:20:00.363Z"}]}
           ]}
        ]}
        """

    @Test("the plan is grouped by wave in the API's order, each image, base and advisory linked percent-encoded")
    func wavesAndLinks() throws {
        // given
        let plan = try json(Self.plan)
        // when
        let view = RebuildQueueView(plan: plan, filters: [:], chrome: chrome())
        // then
        #expect(view.total == 2)
        #expect(view.waveCount == 2)
        #expect(view.waves.map(\.number) == [1, 2])
        #expect(view.waves.map(\.count) == [1, 1])
        let entry = try #require(view.waves.last?.entries.first)
        #expect(entry.href == "/ui/images/sha256:" + String(repeating: "1", count: 64))
        #expect(entry.severity == "critical")
        #expect(entry.fixable == 1)
        #expect(entry.kev)
        #expect(entry.maxEPSS == "0.43")
        #expect(entry.baseName == "registry.example.com/base/debian:12")
        #expect(entry.baseHref == DashboardFormat.imagePath(digest("b")))
        #expect(entry.reasons.map(\.code) == ["fixable_vulnerability", "base_image_needs_rebuild", "requested"])
        #expect(entry.reasons[0].findings.first?.href == "/ui/advisories/%3Cscript%3E")
        #expect(entry.reasons[1].links.map(\.href) == [DashboardFormat.imagePath(digest("b"))])
        #expect(entry.reasons[2].requests.first?.reason == "<script>alert(1)</script>")
        #expect(view.waves.first?.entries.first?.severity == "none", "no fixable finding: no severity")
        #expect(view.pager.csv == "/ui/rebuilds.csv?limit=50")
        #expect(view.pager.next == nil)
        #expect(!view.filtered)
    }

    @Test("the page escapes every value the API answers and carries stable ids")
    func rendering() throws {
        // given
        let view = RebuildQueueView(plan: try json(Self.plan), filters: [:], chrome: chrome())
        // when
        let html = DashboardRenderer.shared.html("rebuilds", view)
        // then
        #expect(html.contains(#"<section class="panel" id="wave-2">"#))
        #expect(html.contains(#"<tr data-digest="\#(digest("1"))">"#))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains(#"<span class="badge">&lt;script&gt;</span>"#))
        #expect(html.contains(#"<a href="/ui/advisories/%3Cscript%3E">&lt;script&gt;</a>"#))
        #expect(html.contains("registry.example.com/team a/b"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
        #expect(html.contains(#"<a href="/ui/rebuilds.csv?limit=50" id="rebuilds-csv">"#))
    }

    @Test("filters are kept in the form and the CSV link, percent-encoded")
    func filters() throws {
        // given
        let filters = ["min_severity": "high", "reason": "requested", "repository": "team a/b&c", "wave": "2"]
        // when
        let view = RebuildQueueView(plan: try json(Self.plan), filters: filters, chrome: chrome())
        // then
        #expect(view.filtered)
        #expect(view.pager.csv == "/ui/rebuilds.csv?min_severity=high&reason=requested&repository=team%20a/b%26c&wave=2&limit=50")
        #expect(view.severityOptions.first { $0.selected }?.value == "high")
        #expect(view.reasonOptions.first { $0.selected }?.value == "requested")
        #expect(view.waveOptions.map(\.value) == ["", "1", "2"])
        #expect(view.waveOptions.first { $0.selected }?.value == "2")
        let html = DashboardRenderer.shared.html("rebuilds", view)
        #expect(html.contains(#"<input name="repository" value="team a/b&amp;c""#))
        #expect(html.contains(#"<option value="requested" selected>Requested</option>"#))
    }

    @Test("an empty plan says so, differently when filtered")
    func empty() throws {
        // given
        let plan = try json(#"{"generated_at": "2026-12-05T02:20:02.998Z", "wave_count": 0, "total": 0, "items": []}"#)
        // when
        let plain = DashboardRenderer.shared.html("rebuilds", RebuildQueueView(plan: plan, filters: [:], chrome: chrome()))
        let filtered = DashboardRenderer.shared.html("rebuilds", RebuildQueueView(plan: plan, filters: ["reason": "requested"], chrome: chrome()))
        // then
        #expect(plain.contains("No image needs a rebuild."))
        #expect(filtered.contains("No image in the plan matches these filters."))
    }

    @Test("GET /ui/rebuilds shows the API's plan, escaped; its CSV is the API's; a bad filter is the API's 400")
    func route() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: an image with a fixable finding and a rebuild request whose reason is markup
            try await client.register("registry.example.com/shop/checkout", tag: "latest", digest: digest("1"), token: environment.ingest)
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2099-0001", package: "libssl3", severity: "critical")
            let request = try await client.send(
                .post, "/v1/rebuilds/requests", token: environment.ingest,
                body: #"{"digest":"\#(digest("1"))","reason":"<script>alert(1)</script>"}"#)
            #expect(request.status == .created, "\(request.text)")
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session: HTTPFields = [.cookie: try #require(cookie)]
            // when
            let page = try await client.send(.get, "/ui/rebuilds", headers: session)
            let filtered = try await client.send(.get, "/ui/rebuilds?reason=base_image_updated&min_severity=", headers: session)
            let csv = try await client.send(.get, "/ui/rebuilds.csv?reason=requested", headers: session)
            let bad = try await client.send(.get, "/ui/rebuilds?reason=nonsense", headers: session)
            // then
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<tr data-digest="\#(digest("1"))">"#))
            #expect(page.text.contains(#"<a href="/ui/advisories/CVE-2099-0001">CVE-2099-0001</a>"#))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(page.text.contains(#"<strong id="plan-total">1</strong>"#))
            #expect(filtered.status == .ok)
            #expect(filtered.text.contains("No image in the plan matches these filters."))
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains(digest("1")))
            #expect(bad.status == .badRequest)
            #expect(bad.headers[.contentType] == "text/html; charset=utf-8")
            #expect(bad.text.contains(#"<p id="error-status">400</p>"#))
        }
    }
}
