import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP

@Suite("GET /metrics: HTTP and ingest series in the Prometheus text format")
struct MetricsTests {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: - HTTP series

    @Test("requests are counted by route template, method and status, with cumulative duration buckets")
    func httpSeries() async throws {
        let environment = try TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // given
            _ = try await client.send(.get, "/healthz")
            _ = try await client.send(.get, "/healthz")
            let unknown = try await client.send(.get, "/v1/nothing-here", token: environment.admin)
            #expect(unknown.status == .notFound)
            let untracked = try await client.send(.get, "/v1/images/\(digest("e"))", token: environment.read)
            #expect(untracked.status == .notFound)
            let anonymous = try await client.send(.get, "/v1/images")
            #expect(anonymous.status == .unauthorized)
            _ = try await client.send(.get, "/metrics")

            // when
            let reply = try await client.send(.get, "/metrics")

            // then
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == Self.contentType)
            let metrics = try PrometheusText(parsing: reply.text)
            let requests = "patchtrack_http_requests_total"
            #expect(metrics.types[requests] == "counter")
            #expect(metrics.help[requests]?.isEmpty == false)
            #expect(metrics.value(requests, ["route": "/healthz", "method": "GET", "status": "200"]) == 2)
            // Hummingbird names the route of a path no route matches `NotFound`.
            #expect(metrics.value(requests, ["route": "NotFound", "method": "GET", "status": "404"]) == 1)
            #expect(metrics.value(requests, ["route": "/v1/images/{digest}", "method": "GET", "status": "404"]) == 1)
            #expect(metrics.value(requests, ["route": "/v1/images", "method": "GET", "status": "401"]) == 1)
            // The scrape being answered is counted after it is rendered: only the first one shows.
            #expect(metrics.value(requests, ["route": "/metrics", "method": "GET", "status": "200"]) == 1)
            #expect(metrics.samples(named: requests).count == 5)

            let durationName = "patchtrack_http_request_duration_seconds"
            #expect(metrics.types[durationName] == "histogram")
            let health = try #require(metrics.histogram(durationName, ["route": "/healthz", "method": "GET"]))
            #expect(health.buckets.map(\.bound) == [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, .infinity])
            #expect(health.count == 2)
            #expect(health.isCumulative)
            #expect(health.buckets.first { $0.bound == 10 }?.count == 2)
            #expect(health.sum > 0 && health.sum < 20)
            // One histogram per route and method, whatever the status.
            let images = try #require(metrics.histogram(durationName, ["route": "/v1/images", "method": "GET"]))
            #expect(images.count == 1)
            #expect(images.isCumulative)
        }
    }

    @Test("each application counts its own requests (no process-wide registry)")
    func registryPerApplication() async throws {
        let environment = try TestEnvironment()
        defer { environment.remove() }
        // given: requests answered by one application
        try await environment.withClient { client in
            for _ in 0..<3 { _ = try await client.send(.get, "/healthz") }
        }
        // when: another application over the same database is scraped
        let text = try await environment.withClient { client in try await client.send(.get, "/metrics").text }
        // then
        let metrics = try PrometheusText(parsing: text)
        #expect(metrics.value("patchtrack_http_requests_total", ["route": "/healthz", "method": "GET", "status": "200"]) == nil)
    }

    // MARK: - Ingest counters

    @Test("ingest counters move by what each successful write stored, and start at zero")
    func ingestCounters() async throws {
        let environment = try TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let vexFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PatchTrackCoreTests/Fixtures/vex")
        let syft = try scanFixture("syft-native-alpine3.12.json")
        let advisory = try advisoryFixture("pypi/PYSEC-2018-27.json")
        let twoRecords = "[" + osvRecord(id: "TEST-M-1", ecosystem: "PyPI", name: "alpha", fixed: "2.0") + ","
            + osvRecord(id: "TEST-M-2", ecosystem: "PyPI", name: "beta", fixed: "3.0") + "]"
        let openVEX = try String(contentsOf: vexFixtures.appending(path: "vexctl-sample-2vulns.json"), encoding: .utf8)
        let cycloneVEX = try String(contentsOf: vexFixtures.appending(path: "cisa-case1-vex-not_affected.json"), encoding: .utf8)
        try await environment.withClient { client in
            let ingested = "patchtrack_ingested_total"
            let before = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(before.types[ingested] == "counter")
            for format in ["cyclonedx", "spdx", "syft", "trivy", "grype"] {
                #expect(before.value(ingested, ["kind": "scan", "format": format]) == 0)
            }
            #expect(before.value(ingested, ["kind": "advisory", "format": "osv"]) == 0)
            #expect(before.value(ingested, ["kind": "vex", "format": "openvex"]) == 0)
            #expect(before.value(ingested, ["kind": "build", "format": "report"]) == 0)
            #expect(before.value(ingested, ["kind": "inventory", "format": "pod-list"]) == 0)

            // when: new scans, a replay, a rejected document
            #expect(try await client.send(.post, "/v1/scans", token: environment.ingest, body: syft).status == .created)
            #expect(try await client.send(.post, "/v1/scans", token: environment.ingest, body: syft).status == .ok)
            let sbom = cycloneDX(image: digest("c"), purls: ["pkg:pypi/qutebrowser@1.4.0"])
            #expect(try await client.send(.post, "/v1/scans", token: environment.ingest, body: sbom).status == .created)
            let rejected = try await client.send(.post, "/v1/scans", token: environment.ingest, body: #"{"bomFormat":"CycloneDX"}"#)
            #expect(rejected.status.code >= 400)
            // advisories: one new, the same again (unchanged), two new in an array
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: advisory).status == .created)
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: advisory).status == .ok)
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: twoRecords).status == .created)
            // VEX: two statements stored; a document whose only statement names nothing tracked stores none
            #expect(try await client.send(.post, "/v1/vex", token: environment.ingest, body: openVEX).status == .created)
            #expect(try await client.send(.post, "/v1/vex", token: environment.ingest, body: cycloneVEX).status == .ok)
            // builds: started (a new build), then succeeded (the same build, updated)
            let started = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"ghcr.io/acme/metrics","tag":"latest","status":"started"}"#)
            #expect(started.status == .created, "\(started.text)")
            let finished = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"ghcr.io/acme/metrics","tag":"latest","status":"failed"}"#)
            #expect(finished.status == .ok, "\(finished.text)")

            // then
            let after = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(after.value(ingested, ["kind": "scan", "format": "syft"]) == 1)
            #expect(after.value(ingested, ["kind": "scan", "format": "cyclonedx"]) == 1)
            #expect(after.value(ingested, ["kind": "scan", "format": "spdx"]) == 0)
            #expect(after.value(ingested, ["kind": "advisory", "format": "osv"]) == 3)
            #expect(after.value(ingested, ["kind": "vex", "format": "openvex"]) == 2)
            #expect(after.value(ingested, ["kind": "vex", "format": "cyclonedx"]) == 0)
            #expect(after.value(ingested, ["kind": "build", "format": "report"]) == 2)
            #expect(after.value(ingested, ["kind": "inventory", "format": "pod-list"]) == 0)
        }
    }

    @Test("the ingest method any controller calls adds its count and ignores zero")
    func ingestedMethod() throws {
        // given
        let metrics = AppMetrics()
        // when
        metrics.ingested(kind: .inventory, format: "workload-list", count: 4)
        metrics.ingested(kind: .inventory, format: "workload-list", count: 0)
        metrics.ingested(kind: .inventory, format: "pod", count: 1)
        metrics.ingested(kind: .inventory, format: "pod")
        // then
        let text = try PrometheusText(parsing: metrics.render())
        #expect(text.value("patchtrack_ingested_total", ["kind": "inventory", "format": "workload-list"]) == 4)
        #expect(text.value("patchtrack_ingested_total", ["kind": "inventory", "format": "pod"]) == 2)
    }
}
