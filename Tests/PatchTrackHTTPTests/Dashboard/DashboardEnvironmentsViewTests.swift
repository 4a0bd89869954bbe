import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Dashboard environment pages")
struct DashboardEnvironmentsViewTests {
    private func json(_ text: String) throws -> APIValue {
        APIValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    private func chrome() -> DashboardChrome {
        DashboardChrome(current: .environments, token: TokenInfo(id: 1, name: "dashboard", role: .read, createdAt: "2026-01-01T00:00:00.000Z"))
    }

    private static let environments = """
        {"items": [
          {"name": "canary", "stage": "canary", "order": 10, "description": "<script>alert(1)</script>", "created_at": "2026-01-01T00:00:00.000Z",
           "updated_at": "2026-01-01T00:00:00.000Z", "inventory_at": "2026-03-02T01:30:00.000Z", "workloads": 1, "replicas": 4},
          {"name": "prod.eu-1", "stage": "production", "order": 20, "created_at": "2026-01-01T00:00:00.000Z",
           "updated_at": "2026-01-01T00:00:00.000Z", "workloads": 0, "replicas": 0}], "next_cursor": null}
        """
    private static let status = """
        {"environments": [{"name": "canary", "stage": "canary", "workloads": 1, "replicas": 4, "vulnerable_workloads": 1, "vulnerable_replicas": 3}]}
        """
    private static let rollouts = """
        {"items": [{"id": 5, "environment": "canary", "stage": "canary", "workload": "shop/checkout", "repository": "registry.example.com/shop/checkout",
          "to_digest": "\(digest("2"))", "from_digests": ["\(digest("1"))"], "steps": [25, 50, 100], "state": "progressing", "active": true,
          "weight": 25, "observed_weight": 50, "started_at": "2026-03-02T06:00:00.000Z", "updated_at": "2026-03-02T07:00:00.000Z",
          "reported_by": "ci"}], "next_cursor": "NQ"}
        """
    private static let environment = """
        {"name": "canary", "stage": "canary", "order": 10, "description": "<script>alert(1)</script>", "created_at": "2026-01-01T00:00:00.000Z",
         "updated_at": "2026-01-01T00:00:00.000Z", "inventory_at": "2026-03-02T01:30:00.000Z", "workloads": 2, "replicas": 6}
        """
    private static let inventory = """
        {"environment": "canary", "snapshot": {"id": 3, "format": "workload-list", "taken_at": "2026-03-02T01:30:00.000Z", "workloads": 2,
         "replicas": 6, "skipped": 0, "posted_by": "ci"}, "items": [
          {"name": "shop/cart", "kind": "Workload", "replicas": 2, "containers": [
            {"name": "app", "init": false, "repository": "r", "digest": "\(digest("9"))", "reference": "r:1", "replicas": 2}]},
          {"name": "shop/checkout", "kind": "Workload", "replicas": 4, "containers": [
            {"name": "app", "init": false, "repository": "r", "digest": "\(digest("1"))", "reference": "r:latest", "replicas": 3,
             "highest_severity": "critical"},
            {"name": "app", "init": false, "repository": "r", "digest": "\(digest("2"))", "reference": "r:latest", "replicas": 1}]}]}
        """

    @Test("the list: each environment with its vulnerable counts from the status, rollouts with progress and a next page")
    func list() throws {
        // when
        let view = EnvironmentsView(
            environments: try json(Self.environments), status: try json(Self.status), rollouts: try json(Self.rollouts),
            filters: ["state": "active", "limit": "1"], chrome: chrome())
        let html = DashboardRenderer.shared.html("environments", view)
        // then
        #expect(view.environments.map(\.href) == ["/ui/environments/canary", "/ui/environments/prod.eu-1"])
        #expect(view.environments.map(\.vulnerableReplicas) == [3, 0])
        #expect(view.environments.map(\.vulnerableWorkloads) == [1, 0])
        #expect(view.rollouts.first?.toHref == DashboardFormat.imagePath(digest("2")))
        #expect(view.rollouts.first?.steps == "25 % → 50 % → 100 %")
        #expect(view.pager.next == "/ui/environments?state=active&limit=1&cursor=NQ")
        #expect(view.pager.csv == "/ui/rollouts.csv?state=active&limit=1")
        #expect(view.stateOptions.first { $0.selected }?.value == "active")
        #expect(html.contains(#"<progress value="25" max="100">25 %</progress>"#))
        #expect(html.contains("observed 50 %"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
    }

    @Test("no environment and no rollout: the list says so")
    func emptyList() throws {
        // when
        let view = EnvironmentsView(
            environments: try json(#"{"items": [], "next_cursor": null}"#), status: try json("{}"),
            rollouts: try json(#"{"items": [], "next_cursor": null}"#), filters: [:], chrome: chrome())
        let html = DashboardRenderer.shared.html("environments", view)
        // then
        #expect(view.pager.next == nil)
        #expect(html.contains(#"id="environments-empty""#))
        #expect(html.contains(#"<td colspan="8" class="muted" id="rollouts-empty">No rollout.</td>"#))
    }

    @Test("one environment: workloads with digest links, the vulnerable ones marked; rollouts of it only")
    func detail() throws {
        // when
        let view = EnvironmentView(
            environment: try json(Self.environment), inventory: try json(Self.inventory),
            status: try json(Self.status), rollouts: try json(Self.rollouts), filters: ["state": "progressing"], chrome: chrome())
        let html = DashboardRenderer.shared.html("environment", view)
        // then
        #expect(view.workloads.map(\.name) == ["shop/cart", "shop/checkout"])
        #expect(view.workloads.map(\.vulnerable) == [false, true])
        #expect(view.workloads.last?.containers.map(\.vulnerable) == [true, false])
        #expect(view.workloads.last?.containers.first?.href == DashboardFormat.imagePath(digest("1")))
        #expect(view.vulnerableReplicas == 3)
        #expect(view.snapshotAt == "2026-03-02 01:30 UTC")
        #expect(view.inventoryCSV == "/ui/environments/canary/inventory.csv?limit=100")
        #expect(view.inventoryNext == nil)
        #expect(view.inventoryTotal == 2)
        #expect(view.pager.next == "/ui/environments/canary?state=progressing&cursor=NQ")
        #expect(view.pager.csv == "/ui/rollouts.csv?environment=canary&state=progressing")
        #expect(view.workloads.last?.containers.map(\.severity) == ["critical", nil])
        #expect(html.contains(#"<span class="sev sev-critical">critical</span>"#))
        #expect(html.contains(#"<tr data-workload="shop/checkout" class="vulnerable" data-vulnerable="true">"#))
        #expect(html.contains(#"<tr data-workload="shop/cart">"#))
        #expect(html.contains(#"<p id="environment-description">&lt;script&gt;alert(1)&lt;/script&gt;</p>"#))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
    }

    @Test("an environment with no inventory yet says so")
    func noInventory() throws {
        // when
        let view = EnvironmentView(
            environment: try json(Self.environment), inventory: try json(#"{"environment": "canary", "items": []}"#),
            status: try json("{}"), rollouts: try json(#"{"items": [], "next_cursor": null}"#), filters: [:], chrome: chrome())
        let html = DashboardRenderer.shared.html("environment", view)
        // then
        #expect(!view.hasSnapshot)
        #expect(html.contains("none posted yet"))
        #expect(html.contains(#"id="inventory-empty""#))
    }

    @Test("GET /ui/environments and /ui/environments/{name} show the API's answers; an unknown name is the API's 404 as a page")
    func route() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: an environment described with markup, running a vulnerable image and a clean one, a rollout in progress
            let put = try await client.send(
                .put, "/v1/environments/canary", token: environment.admin,
                body: #"{"stage":"canary","order":10,"description":"<script>alert(1)</script>"}"#)
            #expect(put.status == .created)
            let repository = "registry.example.com/shop/checkout"
            try await client.register(repository, tag: "latest", digest: digest("1"), token: environment.ingest)
            try await Seeder(environment).finding(image: digest("1"), vulnerability: "CVE-2099-0001", package: "libssl3")
            let rows = [("checkout", digest("1"), 3), ("cart", digest("9"), 2)].map { workload, digest, replicas in
                #"{"namespace":"shop","workload":"\#(workload)","container":"app","image":"\#(repository):latest","digest":"\#(digest)","replicas":\#(replicas)}"#
            }
            let inventory = try await client.send(
                .post, "/v1/environments/canary/inventory", token: environment.ingest, body: "[" + rows.joined(separator: ",") + "]")
            #expect(inventory.status == .created, "\(inventory.text)")
            let rollout = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"canary","workload":"shop/checkout","repository":"\#(repository)","to_digest":"\#(digest("2"))","steps":[25,100]}"#)
            #expect(rollout.status == .created, "\(rollout.text)")
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session: HTTPFields = [.cookie: try #require(cookie)]
            // when
            let list = try await client.send(.get, "/ui/environments", headers: session)
            let detail = try await client.send(.get, "/ui/environments/canary", headers: session)
            let unknown = try await client.send(.get, "/ui/environments/nowhere", headers: session)
            let csv = try await client.send(.get, "/ui/environments/canary/inventory.csv", headers: session)
            let rollouts = try await client.send(.get, "/ui/rollouts.csv?environment=canary", headers: session)
            // then
            #expect(list.status == .ok)
            #expect(list.text.contains(#"<tr data-environment="canary">"#))
            #expect(list.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.text.contains("<script>alert(1)"))
            #expect(list.text.contains(#"<progress value="0" max="100">"#))
            #expect(detail.status == .ok)
            #expect(detail.text.contains(#"<tr data-workload="shop/checkout" class="vulnerable" data-vulnerable="true">"#))
            #expect(detail.text.contains(#"<tr data-workload="shop/cart">"#))
            #expect(detail.text.contains(#"<span id="environment-vulnerable-replicas">3</span>"#))
            #expect(detail.text.contains(#"href="/ui/images/\#(digest("1"))""#))
            #expect(!detail.text.contains("<script>alert(1)"))
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains(#"<p id="error-status">404</p>"#))
            #expect(csv.status == .ok)
            #expect(csv.text.contains("shop/checkout"))
            #expect(rollouts.status == .ok)
            #expect(rollouts.text.contains(digest("2")))
        }
    }
}
