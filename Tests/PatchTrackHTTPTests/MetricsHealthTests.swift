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
            let webhook = try await client.send(
                .post, "/v1/webhooks", token: environment.admin, body: #"{"url":"https://hooks.patchtrack.invalid/x"}"#)
            let id = try #require(webhook.json["id"] as? Int)
            let metrics = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(metrics.value("patchtrack_ready") == 1)
            #expect(metrics.value("patchtrack_images", ["state": "total"]) == 2)
            #expect(metrics.value("patchtrack_images", ["state": "superseded"]) == 0)
            #expect(metrics.value("patchtrack_images", ["state": "needing_rebuild"]) != nil)
            for severity in ["critical", "high", "medium", "low", "unknown"] {
                #expect(metrics.value("patchtrack_sla_due_soon", ["severity": severity]) == 0)
            }
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "active"]) == 1)
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "failing"]) == 0)
            #expect(metrics.value("patchtrack_webhook_health", ["webhook": String(id), "health": "disabled"]) == 0)
        }
    }
}
