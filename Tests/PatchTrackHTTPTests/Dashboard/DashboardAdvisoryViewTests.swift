import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Dashboard advisory page")
struct DashboardAdvisoryViewTests {
    private func json(_ text: String) throws -> APIValue {
        APIValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    private func chrome() -> DashboardChrome {
        DashboardChrome(current: .other, token: TokenInfo(id: 1, name: "dashboard", role: .read, createdAt: "2026-01-01T00:00:00.000Z"))
    }

    private static let advisory = """
        {"id": "TEST-DSA-7", "aliases": ["CVE-2099-0007", "team a/b"], "upstream": [], "vulnerability_id": "CVE-2099-0007", "related": ["<script>"],
         "summary": "<script>alert(1)</script> in openssl", "published": "2026-03-01T00:00:00Z", "modified": "2026-03-01T12:00:00Z",
         "severity": {"level": "critical", "score": 9.8, "source": "cvss_v3:CVSS:3.1/AV:N"}, "open_findings": 1}
        """
    private static let images = """
        {"vulnerability_id": "CVE-2099-0007", "items": [{"open_findings": 1, "image": {"digest": "\(digest("1"))",
          "repository": "registry.example.com/shop/checkout", "tags": [{"repository": "r", "name": "latest", "reference": "r:latest"}],
          "labels": {}, "first_seen": "2026-03-02T01:00:00.000Z", "last_seen": "2026-03-02T01:00:00.000Z",
          "signature": {"state": "unchecked", "key": null, "checked_at": null, "detail": null, "source": null}}}]}
        """
    private static let progress = """
        {"vulnerability_id": "CVE-2099-0007",
         "summary": {"affected_images": 1, "rebuilt_images": 1, "rolled_out_images": 0, "open_findings": 1, "closed_findings": 0,
                     "sla_breached": 0, "sla_due_within_24h": 1, "stage": "canary_complete"},
         "stages": {"first_detected": "2026-03-02T01:00:00.000Z", "first_patched_build": "2026-03-02T05:00:00.000Z",
                    "first_rollout_started": "2026-03-02T06:00:00.000Z", "canary_complete": "2026-03-02T08:00:00.000Z"},
         "images": [{"digest": "\(digest("1"))", "repository": "registry.example.com/shop/checkout", "severity": "critical", "fixable": true,
                     "findings": 1, "stage": "canary_complete", "patched_digest": "\(digest("2"))", "patched_built_at": "2026-03-02T05:00:00.000Z",
                     "running": [{"environment": "production", "replicas": 8}]}],
         "environments": [
           {"name": "canary", "stage": "canary", "order": 10, "status": "clear", "vulnerable_workloads": 0, "vulnerable_replicas": 0,
            "patched_replicas": 4, "active_rollouts": 0, "completed_rollouts": 1},
           {"name": "production", "stage": "production", "order": 20, "status": "exposed", "vulnerable_workloads": 1, "vulnerable_replicas": 8,
            "patched_replicas": 0, "active_rollouts": 0, "completed_rollouts": 0}]}
        """
    private static let exposure = """
        {"vulnerability_id": "CVE-2099-0007", "items": [
          {"environment": "canary", "taken_at": "2026-03-02T01:30:00.000Z", "workloads": 1, "replicas": 4},
          {"environment": "canary", "taken_at": "2026-03-02T08:00:00.000Z", "workloads": 0, "replicas": 0},
          {"environment": "production", "taken_at": "2026-03-02T01:31:00.000Z", "workloads": 1, "replicas": 8}]}
        """
    private static let timeline = """
        {"finding_id": 1, "stages": {"advisory_published": "2026-03-01T00:00:00.000Z", "fix_available": "2026-03-02T00:00:00.000Z",
         "first_detected": "2026-03-02T01:00:00.000Z"}}
        """

    private func view(timeline: String? = Self.timeline) throws -> AdvisoryView {
        AdvisoryView(
            advisory: try json(Self.advisory), images: try json(Self.images), progress: try json(Self.progress),
            exposure: try json(Self.exposure), timeline: try timeline.map(json), chrome: chrome())
    }

    @Test("summary, aliases and severity of the record; aliases link to their pages, percent-encoded")
    func record() throws {
        // when
        let view = try view()
        // then
        #expect(view.id == "TEST-DSA-7")
        #expect(view.summary == "<script>alert(1)</script> in openssl")
        #expect(view.aliases.map(\.href) == ["/ui/advisories/CVE-2099-0007", "/ui/advisories/team%20a%2Fb"])
        #expect(view.related.map(\.href) == ["/ui/advisories/%3Cscript%3E"])
        #expect(view.severity == "critical")
        #expect(view.score == "9.8")
        #expect(view.figures.map(\.value) == [1, 1, 0, 1, 0, 0, 1])
    }

    @Test("the seven stages: published and fix available from the advisory and a timeline, the rest from the progress")
    func stages() throws {
        // when
        let view = try view()
        let withoutTimeline = try self.view(timeline: nil)
        // then
        #expect(view.stages.count == 7)
        #expect(view.stages.map(\.key) == [
            "advisory_published", "fix_available", "first_detected", "patched_digest_built", "first_rollout_started", "canary_complete",
            "fully_rolled_out",
        ])
        #expect(view.stages.map(\.reached) == [true, true, true, true, true, true, false])
        #expect(view.stages[0].afterDetection == "1d 1h before")
        #expect(view.stages[3].afterDetection == "4h")
        #expect(view.stages[5].at == "2026-03-02 08:00 UTC")
        #expect(view.currentStage == "Canary complete")
        #expect(withoutTimeline.stages[1].reached == false)
        #expect(withoutTimeline.stages[1].at == "—")
    }

    @Test("exposure over time: one line per environment, each holding its last snapshot's value")
    func exposureChart() throws {
        // when
        let chart = try view().exposure
        // then
        #expect(chart.legend.map(\.name) == ["canary", "production"])
        #expect(chart.legend.map(\.cls) == ["env1", "env2"])
        #expect(chart.header == ["Snapshot", "canary", "production"])
        #expect(chart.rows.map(\.cells) == [
            ["03-02 01:30", "4", "0"], ["03-02 01:31", "4", "8"], ["03-02 08:00", "0", "8"],
        ])
        #expect(!chart.empty)
    }

    @Test("affected images, progress by image and environments link to their pages; the page escapes the summary")
    func rendering() throws {
        // when
        let view = try view()
        let html = DashboardRenderer.shared.html("advisory", view)
        // then
        #expect(view.affected.map(\.href) == [DashboardFormat.imagePath(digest("1"))])
        #expect(view.progress.first?.patchedHref == DashboardFormat.imagePath(digest("2")))
        #expect(view.progress.first?.running.map(\.href) == ["/ui/environments/production"])
        #expect(view.environments.map(\.status) == ["clear", "exposed"])
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; in openssl"))
        #expect(html.contains(#"<tr data-environment="production" data-status="exposed">"#))
        #expect(html.contains(#"<figure class="panel" id="chart-exposure">"#))
        #expect(html.contains(#"class="series s-env2""#))
        #expect(html.contains(#"<a href="/ui/advisories/TEST-DSA-7/exposure.csv" id="exposure-csv">"#))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
    }

    @Test("an advisory nobody is exposed to: empty tables and an empty chart")
    func empty() throws {
        // given
        let progress = try json(
            #"{"vulnerability_id": "X", "summary": {}, "stages": {}, "images": [], "environments": []}"#)
        // when
        let view = AdvisoryView(
            advisory: try json(Self.advisory), images: try json(#"{"vulnerability_id": "X", "items": []}"#), progress: progress,
            exposure: try json(#"{"vulnerability_id": "X", "items": []}"#), timeline: nil, chrome: chrome())
        let html = DashboardRenderer.shared.html("advisory", view)
        // then
        #expect(view.exposure.empty)
        #expect(view.currentStage == "—")
        #expect(html.contains("No image has an open finding of it."))
        #expect(html.contains("No data yet."))
    }

    @Test("GET /ui/advisories/{id} shows the API's answers; ?id= redirects; an unknown id is the API's 404 as a page")
    func route() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: an advisory whose summary is markup, an image it affects, running in production
            let record = osvRecord(id: "TEST-DSA-7", aliases: ["CVE-2099-0007"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1")
                .replacingOccurrences(of: #""modified""#, with: #""summary":"<script>alert(1)</script> in openssl","modified""#)
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: record).status == .created)
            try await client.register("registry.example.com/shop/checkout", tag: "latest", digest: digest("1"), token: environment.ingest)
            let scan = try await client.send(
                .post, "/v1/scans", token: environment.ingest,
                body: cycloneDX(image: digest("1"), purls: ["pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12"]))
            #expect(scan.status == .created, "\(scan.text)")
            #expect(try await client.send(.put, "/v1/environments/production", token: environment.admin, body: #"{"stage":"production","order":1}"#).status == .created)
            _ = try await client.send(
                .post, "/v1/environments/production/inventory", token: environment.ingest,
                body: #"[{"namespace":"shop","workload":"checkout","container":"app","image":"x","digest":"\#(digest("1"))","replicas":8}]"#)
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session: HTTPFields = [.cookie: try #require(cookie)]
            // when
            let page = try await client.send(.get, "/ui/advisories/CVE-2099-0007", headers: session)
            let lookup = try await client.send(.get, "/ui/advisories?id=CVE-2099-0007", headers: session)
            let odd = try await client.send(.get, "/ui/advisories?id=team%20a%2Fb", headers: session)
            let form = try await client.send(.get, "/ui/advisories", headers: session)
            let unknown = try await client.send(.get, "/ui/advisories/TEST-NOPE-1", headers: session)
            let csv = try await client.send(.get, "/ui/advisories/CVE-2099-0007/exposure.csv", headers: session)
            // then
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<h1 id="advisory-id">TEST-DSA-7</h1>"#))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; in openssl"))
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(page.text.contains(#"<tr data-digest="\#(digest("1"))">"#))
            #expect(page.text.contains(#"<tr data-environment="production" data-status="exposed">"#))
            #expect(page.text.contains(#"<div class="value" id="progress-affected-images">1</div>"#))
            #expect(page.text.contains(#"<tr data-stage="fix_available">"#))
            #expect(lookup.status == .seeOther)
            #expect(lookup.headers[.location] == "/ui/advisories/CVE-2099-0007")
            #expect(odd.headers[.location] == "/ui/advisories/team%20a%2Fb")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"id="advisory-lookup""#))
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains(#"<p id="error-status">404</p>"#))
            #expect(csv.status == .ok)
            #expect(csv.text.contains("production"))
        }
    }
}
