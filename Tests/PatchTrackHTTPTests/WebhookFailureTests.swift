import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage
@testable import PatchTrackWebhooks

@Suite("Webhooks: failing, hanging and unsafe receivers")
struct WebhookFailureTests {
    typealias Support = WebhookTestSupport

    @Test("a receiver answering 500 is retried with backoff, marked failing, then disabled; enabled and redelivered, the same event id arrives")
    func retriesDisableRedeliver() async throws {
        let clock = TestClock("2026-11-01T00:00:00Z")
        let environment = try await TestEnvironment(webhookAllowPrivate: true, now: clock.closure)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        await receiver.set("/fail", .answer(.internalServerError))
        let (worker, sender) = Support.worker(environment)
        try await receiver.serve { base in
            try await environment.withClient { client in
                let (id, _) = try await Support.subscribe(client, environment, "\(base)/fail")
                let ping = try await client.send(.post, "/v1/webhooks/\(id)/test", token: environment.admin)
                let deliveryId = try #require(ping.json["id"] as? Int)
                try await Support.delivering(worker, sender) {
                    var healths: [String] = []
                    var delays: [Double] = []
                    for attempt in 1...DeliverySchedule.maximumAttempts {
                        _ = try await receiver.waitFor("/fail", count: attempt)
                        var log: [String: Any] = [:]
                        for _ in 0..<200 {
                            log = ((try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin).json["items"] as? [[String: Any]])?.first) ?? [:]
                            if log["attempts"] as? Int == attempt { break }
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        #expect(log["attempts"] as? Int == attempt)
                        #expect(log["last_response_code"] as? Int == 500)
                        if let next = (log["next_attempt_at"] as? String).flatMap(Timestamp.parse) {
                            delays.append(next.timeIntervalSince(clock.now))
                        }
                        healths.append(try await client.send(.get, "/v1/webhooks/\(id)", token: environment.admin).json["health"] as? String ?? "")
                        clock.set(Timestamp.format(clock.now.addingTimeInterval(86_400)))
                    }
                    // First retry within 30 s; later waits grow; none after the tenth attempt.
                    #expect(delays.count == DeliverySchedule.maximumAttempts - 1)
                    #expect((delays.first ?? 99) <= 30)
                    #expect(delays == delays.sorted())
                    #expect(healths.prefix(2) == ["active", "active"])
                    #expect(healths.dropFirst(2).dropLast() == Array(repeating: "failing", count: DeliverySchedule.maximumAttempts - 3)[...])
                    #expect(healths.last == "disabled")
                    let disabled = try await client.send(.get, "/v1/webhooks/\(id)", token: environment.admin)
                    #expect(disabled.json["enabled"] as? Bool == false)
                    #expect((disabled.json["health_reason"] as? String)?.contains("HTTP 500") == true)
                    let failed = try await client.send(.get, "/v1/webhooks/\(id)/deliveries?status=failed", token: environment.admin)
                    #expect((failed.json["items"] as? [[String: Any]])?.first?["id"] as? Int == deliveryId)

                    // Fixed receiver, enabled again, redelivered: the same webhook-id arrives once more, and is delivered.
                    await receiver.set("/fail", .answer(.noContent))
                    let enabled = try await client.send(.patch, "/v1/webhooks/\(id)", token: environment.admin, body: #"{"enabled":true}"#)
                    #expect(enabled.json["health"] as? String == "active")
                    #expect(enabled.json["consecutive_failures"] as? Int == 0)
                    let redelivered = try await client.send(.post, "/v1/webhooks/\(id)/deliveries/\(deliveryId)/redeliver", token: environment.admin)
                    #expect(redelivered.status == .accepted)
                    #expect(redelivered.json["status"] as? String == "pending")
                    let all = try await receiver.waitFor("/fail", count: DeliverySchedule.maximumAttempts + 1)
                    #expect(Set(all.map(\.id)).count == 1)
                    #expect(try await client.send(.post, "/v1/webhooks/\(id)/deliveries/999/redeliver", token: environment.admin).status == .notFound)
                }
            }
        }
    }

    @Test("a hanging receiver is cut at the timeout and does not delay another subscription")
    func hangingReceiver() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        await receiver.set("/hang", .hang(.seconds(10)))
        let (worker, sender) = Support.worker(environment, timeout: .seconds(8))
        try await receiver.serve { base in
            try await environment.withClient { client in
                let slow = try await Support.subscribe(client, environment, "\(base)/hang")
                let fast = try await Support.subscribe(client, environment, "\(base)/ok")
                _ = try await client.send(.post, "/v1/webhooks/\(slow.id)/test", token: environment.admin)
                _ = try await client.send(.post, "/v1/webhooks/\(fast.id)/test", token: environment.admin)
                try await Support.delivering(worker, sender) {
                    _ = try await receiver.waitFor("/hang")
                    _ = try await receiver.waitFor("/ok")
                    // The fast one was delivered while the slow one's attempt was still open (not yet recorded).
                    let fastLog = try await Self.firstDelivery(client, environment, fast.id, until: { $0["status"] as? String == "delivered" })
                    #expect(fastLog["status"] as? String == "delivered")
                    let slowNow = try await client.send(.get, "/v1/webhooks/\(slow.id)/deliveries", token: environment.admin)
                    #expect(((slowNow.json["items"] as? [[String: Any]])?.first)?["attempts"] as? Int == 0)
                    let slowLog = try await Self.firstDelivery(client, environment, slow.id, until: { $0["attempts"] as? Int == 1 })
                    #expect(slowLog["status"] as? String == "pending")
                    #expect((slowLog["last_error"] as? String)?.contains("no answer within 8 s") == true || (slowLog["last_error"] as? String)?.contains("timed out") == true)
                    #expect(slowLog["last_response_code"] is NSNull)
                }
            }
        }
    }

    @Test("redirects are not followed; a host name resolving to a private address is refused at delivery time")
    func unsafeTargets() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        try await receiver.serve { base in
            await receiver.set("/moved", .redirect("\(base)/elsewhere"))
            let (worker, sender) = Support.worker(environment)
            try await environment.withClient { client in
                let (id, _) = try await Support.subscribe(client, environment, "\(base)/moved")
                _ = try await client.send(.post, "/v1/webhooks/\(id)/test", token: environment.admin)
                try await Support.delivering(worker, sender) {
                    _ = try await receiver.waitFor("/moved")
                    var log: [String: Any] = [:]
                    for _ in 0..<100 {
                        log = ((try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin).json["items"] as? [[String: Any]])?.first) ?? [:]
                        if log["attempts"] as? Int == 1 { break }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(log["last_response_code"] as? Int == 302)
                    #expect((log["last_error"] as? String)?.contains("redirects are not followed") == true)
                    #expect(await receiver.received("/elsewhere").isEmpty)
                }
            }

            // This host's own name resolves to a loopback or private address on a test machine: a strict sender
            // refuses it at delivery time, whatever the subscription said when it was made.
            let port = try #require(URLComponents(string: base)?.port)
            let strict = WebhookSender(settings: WebhookSendSettings(allowPrivate: false, publicURL: base))
            defer { Task { try? await strict.shutdown() } }
            let delivery = DueDelivery(
                id: 1, webhookId: 1, url: "http://\(ProcessInfo.processInfo.hostName):\(port)/rebound", format: .standard, secret: WebhookSigning.newSecret(),
                eventId: "evt_test", body: Data("{}".utf8), attempts: 0)
            let outcome = await strict.send(delivery)
            guard case .failed(nil, let error) = outcome else {
                Issue.record("a name resolving to loopback was sent to: \(outcome)")
                return
            }
            #expect(error.contains("resolves to"))
            #expect(await receiver.received("/rebound").isEmpty)
        }
    }

    /// The newest delivery of subscription `id` once `done` holds for it (polling for up to 30 s).
    static func firstDelivery(
        _ client: Client, _ environment: TestEnvironment, _ id: Int, until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        var log: [String: Any] = [:]
        for _ in 0..<300 {
            log = ((try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin).json["items"] as? [[String: Any]])?.first) ?? [:]
            if done(log) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return log
    }
}
