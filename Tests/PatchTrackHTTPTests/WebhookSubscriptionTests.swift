import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage
@testable import PatchTrackWebhooks

@Suite("Webhooks: subscriptions, their validation and their secrets")
struct WebhookSubscriptionTests {
    @Test("create answers the generated secret once; reads never show it; PATCH changes fields and rotates it; DELETE removes")
    func lifecycle() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let body = #"{"url":"https://hooks.example.com/patchtrack","events":["finding.opened","advisory.hits_running"],"filter":{"min_severity":"high","environments":["prod"],"repositories":["nginx","ghcr.io/acme/**"]}}"#
            #expect(try await client.send(.post, "/v1/webhooks", token: environment.ingest, body: body).status == .forbidden)
            let created = try await client.send(.post, "/v1/webhooks", token: environment.admin, body: body)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? Int)
            #expect(created.headers[.location] == "/v1/webhooks/\(id)")
            let secret = try #require(created.json["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && WebhookSigning.isValidSecret(secret))
            #expect(created.json["format"] as? String == "standard")
            #expect(created.json["enabled"] as? Bool == true)
            #expect(created.json["health"] as? String == "active")
            #expect(created.json["events"] as? [String] == ["advisory.hits_running", "finding.opened"])
            let filter = try #require(created.json["filter"] as? [String: Any])
            #expect(filter["min_severity"] as? String == "high")
            #expect(filter["repositories"] as? [String] == ["docker.io/library/nginx", "ghcr.io/acme/**"])

            let shown = try await client.send(.get, "/v1/webhooks/\(id)", token: environment.admin)
            #expect(shown.status == .ok)
            #expect(shown.json["secret"] == nil)
            #expect(!shown.text.contains(secret))
            let listed = try await client.send(.get, "/v1/webhooks", token: environment.admin)
            #expect((listed.json["items"] as? [[String: Any]])?.count == 1)
            #expect(!listed.text.contains(secret))

            // The stored secret is the one answered, kept apart from the subscription's columns.
            let stored = try await environment.database.executor.read { session in
                try session.fetchValue("SELECT secret FROM webhookSecret WHERE webhookId = \(Int64(id))", as: String.self)
            }
            #expect(stored == secret)

            let rotated = WebhookSigning.newSecret()
            let patched = try await client.send(
                .patch, "/v1/webhooks/\(id)", token: environment.admin, body: #"{"format":"slack","events":["*"],"secret":"\#(rotated)"}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["format"] as? String == "slack")
            #expect(patched.json["events"] as? [String] == ["*"])
            #expect(patched.json["url"] as? String == "https://hooks.example.com/patchtrack")
            #expect(patched.json["secret"] == nil)
            #expect((patched.json["filter"] as? [String: Any])?["min_severity"] as? String == "high")
            let storedAfter = try await environment.database.executor.read { session in
                try session.fetchValue("SELECT secret FROM webhookSecret WHERE webhookId = \(Int64(id))", as: String.self)
            }
            #expect(storedAfter == rotated)

            // A secret the caller gives is not echoed.
            let given = try await client.send(
                .post, "/v1/webhooks", token: environment.admin, body: #"{"url":"https://hooks.example.com/b","secret":"\#(WebhookSigning.newSecret())"}"#)
            #expect(given.status == .created)
            #expect(given.json["secret"] == nil)

            #expect(try await client.send(.delete, "/v1/webhooks/\(id)", token: environment.admin).status == .noContent)
            #expect(try await client.send(.get, "/v1/webhooks/\(id)", token: environment.admin).status == .notFound)
            #expect(try await client.send(.delete, "/v1/webhooks/\(id)", token: environment.admin).status == .notFound)
            #expect(try await client.send(.get, "/v1/webhooks/abc", token: environment.admin).status == .notFound)
            #expect(try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin).status == .notFound)
        }
    }

    @Test("bad fields are 422 naming the field, and nothing is stored")
    func validation() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let cases: [(String, String)] = [
                (#"{}"#, "url"),
                (#"{"url":"ftp://hooks.example.com/x"}"#, "url"),
                (#"{"url":"https://user:pw@hooks.example.com/x"}"#, "url"),
                (#"{"url":"not a url"}"#, "url"),
                (#"{"url":"https://hooks.example.com/x","events":["finding.opend"]}"#, "events"),
                (#"{"url":"https://hooks.example.com/x","events":["*","ping"]}"#, "events"),
                (#"{"url":"https://hooks.example.com/x","format":"teams"}"#, "format"),
                (#"{"url":"https://hooks.example.com/x","secret":"hunter2"}"#, "secret"),
                (#"{"url":"https://hooks.example.com/x","filter":{"min_severity":"severe"}}"#, "filter.min_severity"),
                (#"{"url":"https://hooks.example.com/x","filter":{"environments":[]}}"#, "filter.environments"),
                (#"{"url":"https://hooks.example.com/x","filter":{"repositories":["Bad Name"]}}"#, "filter.repositories[0]"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.post, "/v1/webhooks", token: environment.admin, body: body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.errorFields == [field], "\(body): \(reply.text)")
            }
            #expect(try await client.send(.post, "/v1/webhooks", token: environment.admin, body: #"{"url": 5}"#).status == .unprocessableContent)
            #expect((try await client.send(.get, "/v1/webhooks", token: environment.admin).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("URLs to loopback, link-local and private addresses are refused unless the server allows them")
    func privateTargets() async throws {
        let strict = try await TestEnvironment()
        defer { strict.remove() }
        try await strict.withClient { client in
            for url in [
                "http://127.0.0.1:9000/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook",
                "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://[fd00::1]/hook", "http://[::ffff:127.0.0.1]/hook",
                "http://100.64.0.1/hook", "http://0.0.0.0/hook",
            ] {
                let reply = try await client.send(.post, "/v1/webhooks", token: strict.admin, body: #"{"url":"\#(url)"}"#)
                #expect(reply.status == .unprocessableContent, "\(url)")
                #expect(reply.text.contains("webhook-allow-private"), "\(url): \(reply.text)")
            }
            #expect(try await client.send(.post, "/v1/webhooks", token: strict.admin, body: #"{"url":"https://93.184.215.14/hook"}"#).status == .created)
        }
        let relaxed = try await TestEnvironment(webhookAllowPrivate: true)
        defer { relaxed.remove() }
        try await relaxed.withClient { client in
            let reply = try await client.send(.post, "/v1/webhooks", token: relaxed.admin, body: #"{"url":"http://127.0.0.1:9000/hook"}"#)
            #expect(reply.status == .created)
        }
    }
}

@Suite("Webhooks: the Standard Webhooks signature")
struct WebhookSigningTests {
    @Test("the reference vector of the Standard Webhooks specification signs and verifies")
    func referenceVector() throws {
        // Secret, id, timestamp, body and signature from the specification's test suite (Tests/Fixtures/README.md).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Data(#"{"test": 2432232314}"#.utf8)
        let signature = WebhookSigning.signature(secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSigning.verify(
            secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body,
            header: "v1,bm90IGl0 v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
        #expect(!WebhookSigning.verify(
            secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_331, body: body,
            header: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
        #expect(WebhookSigning.isValidSecret(secret))
        #expect(!WebhookSigning.isValidSecret("whsec_c2hvcnQ="))
        #expect(!WebhookSigning.isValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let generated = WebhookSigning.newSecret()
        #expect(WebhookSigning.isValidSecret(generated) && generated != WebhookSigning.newSecret())
    }
}
