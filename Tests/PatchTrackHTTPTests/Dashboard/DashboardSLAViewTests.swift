import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Dashboard SLA page")
struct DashboardSLAViewTests {
    private func json(_ text: String) throws -> APIValue {
        APIValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    private func chrome() -> DashboardChrome {
        DashboardChrome(current: .sla, token: TokenInfo(id: 1, name: "dashboard", role: .read, createdAt: "2026-01-01T00:00:00.000Z"))
    }

    private static let breaches = """
        {"items": [
          {"finding_id": 12, "vulnerability_id": "CVE-2099-0001", "advisory_id": "team a/b", "digest": "\(digest("1"))",
           "repository": "registry.example.com/shop/checkout", "package": "<script>alert(1)</script>", "purl": "pkg:deb/debian/x@1",
           "installed_version": "1.0", "fixed_version": "1.1", "severity": "critical", "stage": "detected", "closed": false,
           "stages": {"first_detected": "2026-01-01T00:00:00.000Z"},
           "sla": {"due": "2026-01-08T00:00:00.000Z", "status": "breached", "overdue_seconds": 93600}},
          {"finding_id": 13, "vulnerability_id": "CVE-2099-0002", "advisory_id": "CVE-2099-0002", "digest": "\(digest("2"))",
           "repository": "registry.example.com/shop/cart", "package": "zlib", "purl": "pkg:deb/debian/zlib@1", "installed_version": "1",
           "severity": "high", "stage": "patched_digest_built", "closed": false, "stages": {"first_detected": "2026-01-01T00:00:00.000Z"},
           "sla": {"due": "2026-01-31T00:00:00.000Z", "status": "due_soon"}}
        ], "next_cursor": "Mg"}
        """
    private static let status = """
        {"sla": {"breached": 1, "due_within_24h": 1, "breached_by_severity": {"critical": 1, "high": 0, "medium": 0, "low": 0},
                 "due_within_24h_by_severity": {"critical": 0, "high": 1, "medium": 0, "low": 0}}}
        """

    @Test("each row links to its image and advisory (percent-encoded); overdue as a duration; the pager keeps the filters")
    func rows() throws {
        // when
        let view = SLAView(
            breaches: try json(Self.breaches), status: try json(Self.status), filters: ["severity": "critical", "status": "breached"],
            chrome: chrome())
        // then
        #expect(view.rows.map(\.findingId) == [12, 13])
        #expect(view.rows.map(\.advisoryHref) == ["/ui/advisories/team%20a%2Fb", "/ui/advisories/CVE-2099-0002"])
        #expect(view.rows.map(\.imageHref) == [DashboardFormat.imagePath(digest("1")), DashboardFormat.imagePath(digest("2"))])
        #expect(view.rows.map(\.overdue) == ["1d 2h", "—"])
        #expect(view.rows.map(\.statusLabel) == ["breached", "due soon"])
        #expect(view.rows.last?.fixed == "no fix yet")
        #expect(view.rows.last?.stage == "Patched digest built")
        #expect(view.pager.next == "/ui/sla?status=breached&severity=critical&cursor=Mg")
        #expect(view.pager.csv == "/ui/sla.csv?status=breached&severity=critical")
        #expect(view.pager.first == nil)
        #expect(view.counts.map(\.severity) == ["critical", "high", "medium", "low"])
        #expect(view.counts.map(\.breached) == [1, 0, 0, 0])
        #expect(view.counts.map(\.dueSoon) == [0, 1, 0, 0])
        #expect(view.counts.first?.breachedHref == "/ui/sla?status=breached&severity=critical")
        #expect(view.severityOptions.map(\.value) == ["", "critical", "high", "medium", "low"])
    }

    @Test("the page escapes what the API answers and marks rows with their finding and standing")
    func rendering() throws {
        // when
        let html = DashboardRenderer.shared.html(
            "sla", SLAView(breaches: try json(Self.breaches), status: try json(Self.status), filters: [:], chrome: chrome()))
        // then
        #expect(html.contains(#"<tr data-finding="12" data-status="breached" data-digest="\#(digest("1"))">"#))
        #expect(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(html.contains(#"<a href="/ui/sla?cursor=Mg" id="next-page" rel="next">Next page</a>"#))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
    }

    @Test("nothing due: the page says so, differently when filtered")
    func empty() throws {
        // given
        let none = try json(#"{"items": [], "next_cursor": null}"#)
        // when
        let plain = DashboardRenderer.shared.html("sla", SLAView(breaches: none, status: try json("{}"), filters: [:], chrome: chrome()))
        let filtered = DashboardRenderer.shared.html(
            "sla", SLAView(breaches: none, status: try json("{}"), filters: ["severity": "low"], chrome: chrome()))
        // then
        #expect(plain.contains("No open finding is past due or due within 24 hours."))
        #expect(filtered.contains("No open finding matches these filters."))
        #expect(!plain.contains(#"id="next-page""#))
    }

    @Test("GET /ui/sla lists the API's breaches, escaped; its CSV is the API's")
    func route() async throws {
        let clock = TestClock("2026-03-01T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: a critical finding first detected two months ago, in a package named with markup
            try await client.register("registry.example.com/shop/checkout", tag: "latest", digest: digest("1"), token: environment.ingest)
            try await Seeder(environment).finding(
                image: digest("1"), vulnerability: "CVE-2099-0001", package: "<script>alert(1)</script>", severity: "critical")
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2099-0002", package: "zlib", severity: "critical")
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session: HTTPFields = [.cookie: try #require(cookie)]
            // when
            let page = try await client.send(.get, "/ui/sla?status=breached", headers: session)
            let other = try await client.send(.get, "/ui/sla?severity=low", headers: session)
            let csv = try await client.send(.get, "/ui/sla.csv", headers: session)
            let first = try await client.send(.get, "/ui/sla?status=breached&limit=1", headers: session)
            let next = try #require(Self.nextPage(first.text))
            let second = try await client.send(.get, next, headers: session)
            // then
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains(#"data-status="breached" data-digest="\#(digest("1"))""#))
            #expect(page.text.contains(#"<a href="/ui/advisories/CVE-2099-0001">CVE-2099-0001</a>"#))
            #expect(page.text.contains(#"href="/ui/images/\#(digest("1"))""#))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(other.text.contains("No open finding matches these filters."))
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains(digest("1")))
            // The API's cursor pages the list: one row a page, the filters kept, then no next page.
            #expect(next.hasPrefix("/ui/sla?status=breached&limit=1&cursor="))
            #expect(first.text.contains("CVE-2099-0001") != second.text.contains("CVE-2099-0001"))
            #expect(second.text.contains("CVE-2099-0001") || second.text.contains("CVE-2099-0002"))
            #expect(Self.nextPage(second.text) == nil)
        }
    }

    /// The "Next page" link of a page, its `&amp;` read back as `&`.
    static func nextPage(_ html: String) -> String? {
        let pattern = try? NSRegularExpression(pattern: #"<a href="([^"]*)" id="next-page""#)
        guard let match = pattern?.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let range = Range(match.range(at: 1), in: html)
        else { return nil }
        return html[range].replacingOccurrences(of: "&amp;", with: "&")
    }
}
