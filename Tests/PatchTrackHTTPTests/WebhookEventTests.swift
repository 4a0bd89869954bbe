import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackFeeds
@testable import PatchTrackHTTP
@testable import PatchTrackStorage
@testable import PatchTrackWebhooks

@Suite("Webhooks: every event type from its real cause")
struct WebhookEventTests {
    typealias Support = WebhookTestSupport

    @Test("a base tag that moves sends base_image.updated; the plan job then sends rebuild.required once per change")
    func baseAndRebuild() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        let plan = NoticeJobs(database: environment.database).plan()
        try await receiver.serve { base in
            try await environment.withClient { client in
                _ = try await Support.subscribe(client, environment, "\(base)/hook", extra: #""events":["base_image.updated","rebuild.required"]"#)
                let debian = "registry.example.com/base/debian"
                try await client.register(debian, tag: "12", digest: digest("b"), token: environment.ingest)
                try await client.register(
                    Support.repository, tag: "1", digest: digest("a"), base: "\(debian):12@\(digest("b"))", token: environment.ingest)
                _ = try await plan.run()
                try await Support.delivering(worker, sender) {
                    try await Task.sleep(for: .milliseconds(300))
                    let before = await receiver.received("/hook").count

                    try await client.register(debian, tag: "12", digest: digest("c"), token: environment.ingest)
                    let updated = try #require(try await receiver.waitFor("/hook", type: "base_image.updated").first)
                    #expect(updated.data["repository"] as? String == debian)
                    #expect(updated.data["tag"] as? String == "12")
                    #expect(updated.data["previous_digest"] as? String == digest("b"))
                    #expect(updated.data["digest"] as? String == digest("c"))
                    #expect(updated.data["dependent_count"] as? Int == 1)
                    #expect(((updated.data["dependents"] as? [[String: Any]])?.first)?["digest"] as? String == digest("a"))

                    _ = try await plan.run()
                    let required = try await receiver.waitFor("/hook", type: "rebuild.required")
                    let event = try #require(required.last)
                    #expect((event.data["image"] as? [String: Any])?["digest"] as? String == digest("a"))
                    let reasons = try #require(event.data["reasons"] as? [String])
                    #expect(reasons.contains("base_image_updated"))
                    #expect(!((event.data["previous_reasons"] as? [String]) ?? []).contains("base_image_updated"))

                    // Nothing changed since: the job announces nothing more.
                    _ = try await plan.run()
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(await receiver.received("/hook").count == before + required.count + 1)
                }
            }
        }
    }

    @Test("a rollout replaced by another is aborted, and one whose digest runs on every replica completes: both are sent")
    func rollouts() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        try await receiver.serve { base in
            try await environment.withClient { client in
                _ = try await Support.subscribe(client, environment, "\(base)/hook", extra: #""events":["rollout.completed","rollout.aborted"],"filter":{"environments":["prod"]}"#)
                try await Support.run(client, environment, digest("1"), replicas: 2)
                let rollout = #"{"environment":"prod","workload":"shop/checkout","repository":"\#(Support.repository)","to_digest":"DIGEST"}"#
                let first = try await client.send(.post, "/v1/rollouts", token: environment.ingest, body: rollout.replacingOccurrences(of: "DIGEST", with: digest("2")))
                #expect(first.status == .created)
                let second = try await client.send(.post, "/v1/rollouts", token: environment.ingest, body: rollout.replacingOccurrences(of: "DIGEST", with: digest("3")))
                #expect(second.status == .created)
                try await Support.run(client, environment, digest("3"), replicas: 2)
                try await Support.delivering(worker, sender) {
                    let aborted = try #require(try await receiver.waitFor("/hook", type: "rollout.aborted").first)
                    #expect(aborted.data["rollout_id"] as? Int == first.json["id"] as? Int)
                    #expect(aborted.data["environment"] as? String == "prod")
                    #expect(aborted.data["workload"] as? String == "shop/checkout")
                    #expect(aborted.data["state"] as? String == "aborted")
                    let completed = try #require(try await receiver.waitFor("/hook", type: "rollout.completed").first)
                    #expect(completed.data["rollout_id"] as? Int == second.json["id"] as? Int)
                    #expect((completed.data["image"] as? [String: Any])?["digest"] as? String == digest("3"))
                    #expect(completed.data["weight"] as? Int == 100)
                }
            }
        }
    }

    @Test("SLA events fire once per finding: due soon a day before, breached after")
    func serviceLevel() async throws {
        let clock = TestClock("2026-11-01T00:00:00Z")
        let environment = try await TestEnvironment(webhookAllowPrivate: true, now: clock.closure)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        let sla = NoticeJobs(database: environment.database).sla()
        try await receiver.serve { base in
            try await environment.withClient { client in
                _ = try await Support.subscribe(client, environment, "\(base)/hook", extra: #""events":["sla.due_soon","sla.breached"]"#)
                _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: ["pkg:pypi/requests@2.25.0"]))
                _ = try await client.send(
                    .post, "/v1/advisories", token: environment.ingest,
                    body: osvRecord(id: "TEST-PYPI-REQUESTS", ecosystem: "PyPI", name: "requests", fixed: "2.31.0", severity: Support.critical))
                // Critical: due two days after detection (the default policy).
                _ = try await sla.run()
                clock.set("2026-11-02T12:00:00Z")
                _ = try await sla.run()
                _ = try await sla.run()
                clock.set("2026-11-03T12:00:00Z")
                _ = try await sla.run()
                _ = try await sla.run()
                try await Support.delivering(worker, sender) {
                    let events = try await receiver.waitFor("/hook", count: 2)
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(await receiver.received("/hook").map(\.type).sorted() == ["sla.breached", "sla.due_soon"])
                    let breached = try #require(events.first { $0.type == "sla.breached" })
                    let finding = try #require((breached.data["findings"] as? [[String: Any]])?.first)
                    #expect(finding["vulnerability"] as? String == "TEST-PYPI-REQUESTS")
                    #expect(finding["due"] as? String == "2026-11-03T00:00:00.000Z")
                }
            }
        }
    }

    @Test("a failed feed sync sends feed.failed; a Slack subscription gets a text with absolute links; ping reaches it")
    func feedFailureInSlackFormat() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let origin = FeedOrigin()
        let (worker, sender) = Support.worker(environment)
        let fetcher = try FeedSyncTests.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        try await origin.serve { originBase in
            try await receiver.serve { base in
                try await environment.withClient { client in
                    let (id, secret) = try await Support.subscribe(client, environment, "\(base)/slack", extra: #""format":"slack""#)
                    _ = try await environment.database.feeds.put(
                        FeedDefinition(name: "cisa", kind: .kev, url: "\(originBase)/missing.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
                    let report = try #require(try await FeedSyncer(database: environment.database, fetcher: fetcher).sync(named: "cisa"))
                    #expect(report.error != nil)
                    _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: ["pkg:pypi/requests@2.25.0"]))
                    _ = try await client.send(
                        .post, "/v1/advisories", token: environment.ingest,
                        body: osvRecord(id: "TEST-PYPI-REQUESTS", ecosystem: "PyPI", name: "requests", fixed: "2.31.0"))
                    let ping = try await client.send(.post, "/v1/webhooks/\(id)/test", token: environment.admin)
                    #expect(ping.status == .accepted)
                    #expect(ping.json["event_type"] as? String == "ping")
                    #expect(ping.json["status"] as? String == "pending")
                    try await Support.delivering(worker, sender) {
                        let messages = try await receiver.waitFor("/slack", count: 3)
                        #expect(messages.allSatisfy { $0.verifies(with: secret) })
                        let texts = messages.compactMap { $0.json["text"] as? String }
                        #expect(texts.count == 3)
                        #expect(texts.contains { $0.hasPrefix("*Feed cisa failed*") && $0.contains("404") })
                        #expect(texts.contains { $0.contains("<https://patchtrack.example.com/v1/advisories/TEST-PYPI-REQUESTS|TEST-PYPI-REQUESTS>") })
                        #expect(texts.contains { $0.contains("ping") })
                    }
                }
            }
        }
    }
}
