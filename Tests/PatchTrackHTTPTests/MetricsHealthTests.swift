import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("GET /metrics: readiness, images by state, SLA due soon and webhook health")
struct MetricsHealthTests {
    @Test("the series an alert on readiness, images, due-soon findings or webhook health needs are exposed")
    func healthSeries() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            for (index, character) in ["a", "b"].enumerated() {
                let body = #"{"reference":"registry.example/app:\#(index)@\#(digest(Character(character)))"}"#
                #expect(try await client.send(.post, "/v1/images", token: environment.ingest, body: body).status == .created)
            }
            // app:0 is built on base:1, whose tag then moves: app:0 needs a rebuild (base updated), app:1 does not
            try await client.register("registry.example/base", tag: "1", digest: digest("c"), token: environment.ingest)
            let based = try await client.send(
                .put, "/v1/images/\(digest("a"))/base", token: environment.ingest,
                body: #"{"reference":"registry.example/base:1@\#(digest("c"))"}"#)
            #expect(based.status == .ok, "\(based.text)")
            try await client.register("registry.example/base", tag: "1", digest: digest("d"), token: environment.ingest)
            let planned = try await client.plan(token: environment.read)
            #expect(planned.map { $0["digest"] as? String } == [digest("a")])
            let webhook = try await client.send(
                .post, "/v1/webhooks", token: environment.admin, body: #"{"url":"https://hooks.patchtrack.invalid/x"}"#)
            let id = try #require(webhook.json["id"] as? Int)
            let metrics = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(metrics.value("patchtrack_ready") == 1)
            #expect(metrics.value("patchtrack_images", ["state": "total"]) == 4)
            #expect(metrics.value("patchtrack_images", ["state": "superseded"]) == 0)
            #expect(metrics.value("patchtrack_images", ["state": "needing_rebuild"]) == Double(planned.count))
            for severity in ["critical", "high", "medium", "low", "unknown"] {
                #expect(metrics.value("patchtrack_sla_due_soon", ["severity": severity]) == 0)
            }
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "active"]) == 1)
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "failing"]) == 0)
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "disabled"]) == 0)
        }
    }
}
