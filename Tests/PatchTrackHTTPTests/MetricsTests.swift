import Foundation
import PatchTrackCore
import PatchTrackStorage
import Testing

@testable import PatchTrackHTTP

@Suite("GET /metrics: HTTP, ingest and fleet series in the Prometheus text format")
struct MetricsTests {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: - HTTP series

    @Test("requests are counted by route template, method and status, with cumulative duration buckets")
    func httpSeries() async throws {
        let environment = try await TestEnvironment()
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
        let environment = try await TestEnvironment()
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
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
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

    // MARK: - Fleet series

    static let fleet = FleetMetrics(
        imagesNeedingRebuild: ["fixable_vulnerability": 3, "requested": 1],
        openFindings: [
            .init(severity: .critical, fixable: true, count: 4), .init(severity: .critical, fixable: false, count: 1),
            .init(severity: .high, fixable: true, count: 7), .init(severity: .low, fixable: false, count: 2),
        ],
        vulnerableReplicas: [
            .init(environment: "production", severity: .critical, replicas: 12),
            .init(environment: "staging", severity: .high, replicas: 3),
        ],
        slaBreaches: [.critical: 2, .medium: 5],
        timeToPatchSeconds: [.critical: [1800, 3600, 7200, 3 * 86400, 200 * 86400], .high: [10 * 86400]])

    @Test("the fleet's figures come out as gauges, every severity and fixability included")
    func fleetGauges() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        // when
        let reply = try await environment.withClient(fleet: { Self.fleet }) { client in try await client.send(.get, "/metrics") }
        // then
        #expect(reply.status == .ok)
        #expect(reply.headers[.contentType] == Self.contentType)
        let metrics = try PrometheusText(parsing: reply.text)
        for name in ["images_needing_rebuild", "open_findings", "vulnerable_replicas", "sla_breaches"] {
            #expect(metrics.types["patchtrack_" + name] == "gauge")
            #expect(metrics.help["patchtrack_" + name]?.isEmpty == false)
        }

        let rebuilds = metrics.samples(named: "patchtrack_images_needing_rebuild")
        #expect(Set(rebuilds.compactMap { $0.labels["reason"] }) == Set(RebuildReasonCode.allCases.map(\.rawValue)))
        #expect(metrics.value("patchtrack_images_needing_rebuild", ["reason": "fixable_vulnerability"]) == 3)
        #expect(metrics.value("patchtrack_images_needing_rebuild", ["reason": "requested"]) == 1)
        #expect(metrics.value("patchtrack_images_needing_rebuild", ["reason": "max_age_exceeded"]) == 0)

        let expectedFindings: [String: Double] = ["critical true": 4, "critical false": 1, "high true": 7, "low false": 2]
        #expect(metrics.samples(named: "patchtrack_open_findings").count == SeverityLevel.allCases.count * 2)
        for severity in SeverityLevel.allCases {
            for fixable in ["true", "false"] {
                let value = metrics.value("patchtrack_open_findings", ["severity": severity.rawValue, "fixable": fixable])
                #expect(value == expectedFindings["\(severity.rawValue) \(fixable)", default: 0], "\(severity) \(fixable)")
            }
        }

        #expect(metrics.samples(named: "patchtrack_vulnerable_replicas").count == 2)
        #expect(metrics.value("patchtrack_vulnerable_replicas", ["environment": "production", "severity": "critical"]) == 12)
        #expect(metrics.value("patchtrack_vulnerable_replicas", ["environment": "staging", "severity": "high"]) == 3)

        #expect(metrics.samples(named: "patchtrack_sla_breaches").count == SeverityLevel.allCases.count)
        let expectedBreaches: [String: Double] = ["critical": 2, "medium": 5]
        for severity in SeverityLevel.allCases {
            #expect(metrics.value("patchtrack_sla_breaches", ["severity": severity.rawValue]) == expectedBreaches[severity.rawValue, default: 0])
        }
    }

    @Test("time to patch is a histogram per severity with buckets from one hour to ninety days")
    func timeToPatchHistogram() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        // when
        let text = try await environment.withClient(fleet: { Self.fleet }) { client in try await client.send(.get, "/metrics").text }
        // then
        let metrics = try PrometheusText(parsing: text)
        let name = "patchtrack_time_to_patch_seconds"
        #expect(metrics.types[name] == "histogram")
        let hour = 3600.0, day = 86400.0
        let bounds = [hour, 6 * hour, day, 2 * day, 7 * day, 14 * day, 30 * day, 90 * day, .infinity]
        let critical = try #require(metrics.histogram(name, ["severity": "critical"]))
        #expect(critical.buckets.map(\.bound) == bounds)
        // 30 min and 1 h (inclusive bound) ≤ 1 h; 2 h ≤ 6 h; 3 d ≤ 7 d; 200 d only in +Inf.
        #expect(critical.buckets.map(\.count) == [2, 3, 3, 3, 4, 4, 4, 4, 5])
        #expect(critical.count == 5)
        #expect(critical.sum == 1800 + 3600 + 7200 + 3 * day + 200 * day)
        #expect(critical.isCumulative)
        let high = try #require(metrics.histogram(name, ["severity": "high"]))
        #expect(high.buckets.map(\.count) == [0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(high.sum == 10 * day)
        // Severities with no closed finding still have their (empty) series.
        for severity in [SeverityLevel.unknown, .low, .medium] {
            let empty = try #require(metrics.histogram(name, ["severity": severity.rawValue]))
            #expect(empty.count == 0 && empty.sum == 0)
            #expect(empty.buckets.allSatisfy { $0.count == 0 })
        }
    }

    @Test("a label set the fleet no longer has vanishes from the next scrape")
    func vanishedLabelSets() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let feed = FleetFeed(FleetMetrics(vulnerableReplicas: [.init(environment: "canary", severity: .high, replicas: 2)]))
        try await environment.withClient(fleet: { await feed.value }) { client in
            // given
            let first = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(first.value("patchtrack_vulnerable_replicas", ["environment": "canary", "severity": "high"]) == 2)
            // when
            await feed.set(FleetMetrics(vulnerableReplicas: [.init(environment: "production", severity: .low, replicas: 1)]))
            let second = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            // then
            #expect(second.samples(named: "patchtrack_vulnerable_replicas").map(\.labels) == [["environment": "production", "severity": "low"]])
        }
    }

    @Test("a failing fleet query leaves the fleet series out and the scrape still answers 200")
    func failingFleetQuery() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        struct FleetQueryFailed: Error {}
        try await environment.withClient(fleet: { throw FleetQueryFailed() }) { client in
            // given
            _ = try await client.send(.get, "/healthz")
            // when
            let reply = try await client.send(.get, "/metrics")
            // then
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == Self.contentType)
            let metrics = try PrometheusText(parsing: reply.text)
            #expect(metrics.value("patchtrack_http_requests_total", ["route": "/healthz", "method": "GET", "status": "200"]) == 1)
            #expect(metrics.types["patchtrack_open_findings"] == nil)
            #expect(metrics.samples(named: "patchtrack_sla_breaches").isEmpty)
        }
    }

    @Test("without a fleet source the fleet series are all zero")
    func defaultFleet() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let text = try await environment.withClient { client in try await client.send(.get, "/metrics").text }
        let metrics = try PrometheusText(parsing: text)
        #expect(metrics.samples(named: "patchtrack_open_findings").count == SeverityLevel.allCases.count * 2)
        #expect(metrics.samples(named: "patchtrack_open_findings").allSatisfy { $0.value == 0 })
        #expect(metrics.samples(named: "patchtrack_vulnerable_replicas").isEmpty)
    }
}

/// A fleet value a test changes between scrapes.
private actor FleetFeed {
    private(set) var value: FleetMetrics

    init(_ value: FleetMetrics) { self.value = value }

    func set(_ value: FleetMetrics) { self.value = value }
}
