import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("GET /metrics: HTTP series in the Prometheus text format")
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
}
