import Foundation
import HTTPTypes
import PatchTrackCore
import PatchTrackStorage
import Testing

@testable import PatchTrackHTTP

@Suite("Dashboard overview")
struct DashboardOverviewTests {
    @Test("every template parses and the overview shows the numbers of /v1/status")
    func overviewEqualsStatus() async throws {
        #expect(DashboardRenderer.shared.library.getTemplate(named: "overview") != nil)
        #expect(EmbeddedDashboard.files.contains { $0.name == "style.css" })
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for (index, character) in ["a", "b", "c"].enumerated() {
                let body = #"{"reference":"registry.example/app:\#(index)@\#(digest(Character(character)))"}"#
                #expect(try await client.send(.post, "/v1/images", token: environment.ingest, body: body).status == .created)
            }
            let seeder = Seeder(environment)
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical")
            try await seeder.finding(image: digest("b"), vulnerability: "CVE-2026-0002", package: "zlib", fixed: nil, severity: "high")
            let (_, cookie) = try await signIn(client, token: environment.read)
            let page = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(page.status == .ok)
            let status = try await client.send(.get, "/v1/status", token: environment.read).json
            let images = try #require(status["images"] as? [String: Any])
            #expect(images["total"] as? Int == 3)
            #expect(page.text.contains(#"id="card-images">3</a>"#))
            #expect(page.text.contains(#"id="card-needing-rebuild">\#(images["needing_rebuild"] as? Int ?? -1)</a>"#))
            #expect(page.text.contains(#"id="card-open-findings">2</a>"#))
            #expect(page.text.contains(#"<tr data-severity="critical"><td><span class="sev sev-critical">critical</span></td><td class="num">1</td><td class="num">0</td></tr>"#))
            #expect(page.text.contains(#"<tr data-severity="high"><td><span class="sev sev-high">high</span></td><td class="num">0</td><td class="num">1</td></tr>"#))
            // The trend chart draws the two open findings on every day of the window.
            #expect(page.text.contains(#"<figure class="panel" id="chart-trend">"#))
            #expect(page.text.contains("<polyline class=\"series s-critical\""))
        }
    }

    @Test("the open-findings trend counts detection and resolution per UTC day")
    func trend() async throws {
        let clock = TestClock("2026-12-05T12:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            let body = #"{"reference":"registry.example/app:1@\#(digest("a"))"}"#
            #expect(try await client.send(.post, "/v1/images", token: environment.ingest, body: body).status == .created)
            let seeder = Seeder(environment)
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical")
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-0002", package: "zlib", severity: "high")
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-0003", package: "curl", severity: "high")
            try await GenerationStore(executor: environment.database.executor).write { session in
                try session.execute("UPDATE finding SET firstDetected = '2026-12-03T08:00:00.000Z' WHERE vulnerabilityId = 'CVE-2026-0003'")
                try session.execute(
                    "UPDATE finding SET state = 'resolved', resolvedAt = '2026-12-04T23:59:00.000Z' WHERE vulnerabilityId = 'CVE-2026-0002'")
            }
            let reply = try await client.send(.get, "/v1/status/trend?days=4", token: environment.read)
            #expect(reply.status == .ok)
            let points = try #require(reply.json["points"] as? [[String: Any]])
            #expect(points.map { $0["day"] as? String } == ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"])
            let high = points.map { ($0["open"] as? [String: Any])?["high"] as? Int }
            let critical = points.map { ($0["open"] as? [String: Any])?["critical"] as? Int }
            #expect(high == [1, 2, 1, 1])
            #expect(critical == [1, 1, 1, 1])
            let csv = try await client.send(.get, "/v1/status/trend?days=2", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.text == "day,critical,high,medium,low,unknown\r\n2026-12-04,1,1,0,0,0\r\n2026-12-05,1,1,0,0,0\r\n")
            for bad in ["0", "366", "x", "+3"] {
                let refused = try await client.send(.get, "/v1/status/trend?days=\(bad)", token: environment.read)
                #expect(refused.status == .badRequest)
            }
        }
    }

    @Test("a rendered page is kept per signed-in token until a write: the next write shows at once")
    func pageCache() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (_, cookie) = try await signIn(client, token: environment.read)
            let (_, admin) = try await signIn(client, token: environment.admin)
            let first = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(first.text.contains(#"id="card-images">0</a>"#))
            let again = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(again.text == first.text)
            // Another token's page names its own token, not the one kept for the first.
            let other = try await client.send(.get, "/ui/", headers: [.cookie: try #require(admin)])
            #expect(other.text.contains(#"<strong id="who">admin</strong>"#))
            let body = #"{"reference":"registry.example/app:1@\#(digest("a"))"}"#
            #expect(try await client.send(.post, "/v1/images", token: environment.ingest, body: body).status == .created)
            let after = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(after.text.contains(#"id="card-images">1</a>"#))
        }
    }

    @Test("a hostile token name is shown as text, never as markup")
    func escaping() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(1)>"#
            let created = try await client.send(
                .post, "/v1/tokens", token: environment.admin,
                body: String(decoding: try JSONSerialization.data(withJSONObject: ["name": hostile, "role": "read"]), as: UTF8.self))
            let secret = try #require(created.json["token"] as? String)
            let (_, cookie) = try await signIn(client, token: secret)
            let page = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script"))
            #expect(!page.text.contains("<img"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        }
    }
}

@Suite("Where an image runs, and how vulnerable each inventory container is")
struct RunningImageTests {
    @Test("GET /v1/images/{digest}/running lists the newest inventories' containers of the digest; inventory rows carry the highest severity")
    func running() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for (index, character) in ["a", "b"].enumerated() {
                let body = #"{"reference":"registry.example/app:\#(index)@\#(digest(Character(character)))"}"#
                #expect(try await client.send(.post, "/v1/images", token: environment.ingest, body: body).status == .created)
            }
            try await Seeder(environment).finding(image: digest("a"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical")
            for name in ["canary", "prod"] {
                #expect(try await client.send(.put, "/v1/environments/\(name)", token: environment.admin, body: #"{"stage":"production","order":1}"#).status.code < 300)
            }
            let items = { (replicas: Int) in
                #"[{"namespace":"shop","workload":"checkout","container":"app","image":"registry.example/app:0","digest":"\#(digest("a"))","replicas":\#(replicas)},{"namespace":"shop","workload":"cart","container":"app","image":"registry.example/app:1","digest":"\#(digest("b"))","replicas":1}]"#
            }
            #expect(try await client.send(.post, "/v1/environments/canary/inventory", token: environment.ingest, body: items(2)).status.code < 300)
            #expect(try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: items(5)).status.code < 300)
            // A newer canary snapshot without the digest: the older one no longer counts.
            let newer = #"[{"namespace":"shop","workload":"cart","container":"app","image":"registry.example/app:1","digest":"\#(digest("b"))","replicas":1}]"#
            #expect(try await client.send(.post, "/v1/environments/canary/inventory", token: environment.ingest, body: newer).status.code < 300)

            let running = try await client.send(.get, "/v1/images/\(digest("a"))/running", token: environment.read)
            #expect(running.status == .ok)
            let rows = try #require(running.json["items"] as? [[String: Any]])
            #expect(rows.map { $0["environment"] as? String } == ["prod"])
            #expect(rows.first?["workload"] as? String == "shop/checkout")
            #expect(running.json["replicas"] as? Int == 5)
            #expect(try await client.send(.get, "/v1/images/\(digest("c"))/running", token: environment.read).status == .notFound)
            #expect(try await client.send(.get, "/v1/images/nope/running", token: environment.read).status == .badRequest)

            let inventory = try await client.send(.get, "/v1/environments/prod/inventory", token: environment.read)
            let workloads = try #require(inventory.json["items"] as? [[String: Any]])
            let severities = workloads.flatMap { ($0["containers"] as? [[String: Any]] ?? []).map { $0["highest_severity"] as? String } }
            #expect(severities.sorted { ($0 ?? "") < ($1 ?? "") } == [nil, "critical"])
        }
    }
}
