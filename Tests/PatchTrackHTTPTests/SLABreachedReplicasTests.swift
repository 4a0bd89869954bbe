import Foundation
import Testing

@testable import PatchTrackHTTP

/// `patchtrack_sla_breached_replicas`: what the alert "a vulnerable digest runs in production longer than its SLA"
/// reads, per environment and stage, from the findings past their SLA (not merely of a severity breached elsewhere).
@Suite("GET /metrics: replicas running digests past their SLA, per environment")
struct SLABreachedReplicasTests {
    private static let app = "registry.example/shop/app"

    @Test("only the digests with a finding past its SLA count, in the environment that runs them; VEX and time move them")
    func breachedReplicas() async throws {
        let clock = TestClock("2026-01-04T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            // given: production runs a (3 replicas) and b (5); staging runs a (1) and c (2). The seeded findings are
            // detected on 2026-01-01: a's critical one is past its 2 days, b's high one is due on 01-08, c has none.
            for (name, stage, order) in [("prod-eu", "production", 2), ("stage", "staging", 1)] {
                let put = try await client.send(
                    .put, "/v1/environments/\(name)", token: environment.admin, body: #"{"stage":"\#(stage)","order":\#(order)}"#)
                #expect(put.status == .created || put.status == .ok, "\(put.text)")
            }
            try await inventory(client, environment, "prod-eu", [("checkout", "a", 3), ("cart", "b", 5)])
            try await inventory(client, environment, "stage", [("checkout", "a", 1), ("search", "c", 2)])
            let seeder = Seeder(environment)
            try await seeder.finding(image: digest("a"), vulnerability: "CVE-2026-0001", package: "openssl", severity: "critical")
            try await seeder.finding(image: digest("b"), vulnerability: "CVE-2026-0002", package: "zlib", severity: "high")

            // then: a's replicas count where a runs, at critical; b is not past its SLA yet
            var metrics = try await scrape(client)
            #expect(breached(metrics, "prod-eu", "production", "critical") == 3)
            #expect(breached(metrics, "prod-eu", "production", "high") == 0)
            #expect(breached(metrics, "stage", "staging", "critical") == 1)
            #expect(breached(metrics, "stage", "staging", "high") == 0)
            #expect(metrics.samples(named: "patchtrack_sla_breached_replicas").count == 2 * 5, "every environment and severity")
            #expect(metrics.value("patchtrack_vulnerable_replicas", ["environment": "prod-eu", "severity": "high"]) == 5)

            // when: a VEX statement says a is not affected, and b's due time passes
            try await seeder.vex(image: digest("a"), vulnerability: "CVE-2026-0001", status: "not_affected")
            clock.set("2026-01-09T00:00:00Z")

            // then
            metrics = try await scrape(client)
            #expect(breached(metrics, "prod-eu", "production", "critical") == 0)
            #expect(breached(metrics, "prod-eu", "production", "high") == 5)
            #expect(breached(metrics, "stage", "staging", "critical") == 0)
            #expect(breached(metrics, "stage", "staging", "high") == 0)
        }
    }

    private func inventory(
        _ client: Client, _ environment: TestEnvironment, _ name: String, _ rows: [(workload: String, image: String, replicas: Int)]
    ) async throws {
        let body = rows.map { row in
            #"{"namespace":"shop","workload":"\#(row.workload)","container":"app","image":"\#(Self.app):1","digest":"\#(digest(Character(row.image)))","replicas":\#(row.replicas)}"#
        }.joined(separator: ",")
        let posted = try await client.send(.post, "/v1/environments/\(name)/inventory", token: environment.ingest, body: "[\(body)]")
        #expect(posted.status == .created, "\(posted.text)")
    }

    private func scrape(_ client: Client) async throws -> PrometheusText {
        try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
    }

    private func breached(_ metrics: PrometheusText, _ environment: String, _ stage: String, _ severity: String) -> Double? {
        metrics.value("patchtrack_sla_breached_replicas", ["environment": environment, "stage": stage, "severity": severity])
    }
}
