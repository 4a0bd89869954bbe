import Foundation
import Logging
import NIOCore
import PatchTrackCore
import Testing

@testable import PatchTrackStorage
@testable import PatchTrackWebhooks

/// Subscriptions, a delivery worker and scenario steps for the webhook tests.
enum WebhookTestSupport {
    static let repository = "registry.example.com/test/app"
    static let critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

    /// Subscribes `url` (extra JSON fields in `extra`, e.g. `"events":["ping"]`); answers the id and secret.
    static func subscribe(_ client: Client, _ environment: TestEnvironment, _ url: String, extra: String = "") async throws -> (id: Int, secret: String) {
        let body = extra.isEmpty ? #"{"url":"\#(url)"}"# : #"{"url":"\#(url)",\#(extra)}"#
        let reply = try await client.send(.post, "/v1/webhooks", token: environment.admin, body: body)
        try #require(reply.status == .created, "\(reply.text)")
        return (try #require(reply.json["id"] as? Int), try #require(reply.json["secret"] as? String))
    }

    /// A worker posting to loopback receivers.
    static func worker(_ environment: TestEnvironment, timeout: TimeAmount = .seconds(10)) -> (WebhookWorker, WebhookSender) {
        let sender = WebhookSender(settings: WebhookSendSettings(allowPrivate: true, publicURL: "https://patchtrack.example.com", timeout: timeout))
        var logger = Logger(label: "patchtrack.tests.webhooks")
        logger.logLevel = .critical
        return (WebhookWorker(store: environment.database.webhooks, sender: sender, logger: logger), sender)
    }

    /// Runs `body` while `worker` delivers in the background (polling every 50 ms).
    static func delivering<Value: Sendable>(_ worker: WebhookWorker, _ sender: WebhookSender, _ body: () async throws -> Value) async throws -> Value {
        let task = Task { try await worker.deliver(poll: .milliseconds(50)) }
        do {
            let value = try await body()
            task.cancel()
            _ = await task.result
            try await sender.shutdown()
            return value
        } catch {
            task.cancel()
            _ = await task.result
            try? await sender.shutdown()
            throw error
        }
    }

    /// Environment `prod` running `digest` in workload shop/checkout with `replicas` replicas.
    static func run(_ client: Client, _ environment: TestEnvironment, _ digest: String, replicas: Int) async throws {
        _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
        let posted = try await client.send(
            .post, "/v1/environments/prod/inventory", token: environment.ingest,
            body: #"[{"namespace":"shop","workload":"checkout","container":"app","image":"\#(repository):1","digest":"\#(digest)","replicas":\#(replicas)}]"#)
        try #require(posted.status == .created, "\(posted.text)")
    }
}
