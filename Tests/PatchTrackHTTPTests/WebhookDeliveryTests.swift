import Foundation
import PatchTrackCore
import NIOCore
import Testing
import ZIPFoundation

@testable import PatchTrackHTTP
@testable import PatchTrackStorage
@testable import PatchTrackWebhooks

@Suite("Webhooks: events from their causes, delivered signed; coalescing; the delivery log")
struct WebhookDeliveryTests {
    typealias Support = WebhookTestSupport

    @Test("an advisory that hits a running digest reaches the subscriber signed, with where it runs; a rescan closes it")
    func advisoryHitsRunning() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        try await receiver.serve { base in
            try await environment.withClient { client in
                let (id, secret) = try await Support.subscribe(client, environment, "\(base)/hook")
                _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: ["pkg:pypi/requests@2.25.0"]))
                try await Support.run(client, environment, digest("1"), replicas: 3)
                let advisory = osvRecord(id: "TEST-PYPI-REQUESTS", ecosystem: "PyPI", name: "requests", fixed: "2.31.0", severity: Support.critical)
                #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: advisory).status == .created)

                try await Support.delivering(worker, sender) {
                    let hits = try await receiver.waitFor("/hook", type: "advisory.hits_running")
                    let hit = try #require(hits.first)
                    #expect(hits.count == 1)
                    #expect(hit.type == "advisory.hits_running")
                    #expect(hit.verifies(with: secret))
                    #expect(!hit.verifies(with: WebhookSigning.newSecret()))
                    #expect(hit.json["id"] as? String == hit.id)
                    #expect(abs(Double(hit.timestamp) - Date().timeIntervalSince1970) < 60)
                    let data = hit.data
                    #expect((data["image"] as? [String: Any])?["digest"] as? String == digest("1"))
                    #expect((data["image"] as? [String: Any])?["repository"] as? String == Support.repository)
                    let running = try #require(data["running"] as? [[String: Any]])
                    #expect(running.count == 1)
                    #expect(running.first?["environment"] as? String == "prod")
                    #expect(running.first?["workloads"] as? [String] == ["shop/checkout"])
                    #expect(running.first?["replicas"] as? Int == 3)
                    let finding = try #require((data["findings"] as? [[String: Any]])?.first)
                    #expect(finding["vulnerability"] as? String == "TEST-PYPI-REQUESTS")
                    #expect(finding["severity"] as? String == "critical")
                    #expect(finding["fixed_version"] as? String == "2.31.0")
                    #expect(finding["installed_version"] as? String == "2.25.0")
                    #expect((finding["links"] as? [String: Any])?["advisory"] as? String == "/v1/advisories/TEST-PYPI-REQUESTS")
                    #expect(data["highest_severity"] as? String == "critical")

                    let opened = try await receiver.waitFor("/hook", type: "finding.opened")
                    #expect(opened.count == 1)
                    #expect(opened.first?.data["finding_count"] as? Int == 1)
                    #expect(opened.first?.id != hit.id)

                    // The package is gone from the next scan: its finding closes.
                    _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: ["pkg:pypi/flask@3.0.0"]))
                    let closed = try await receiver.waitFor("/hook", type: "finding.closed")
                    #expect(closed.count == 1)
                    #expect(((closed.first?.data["findings"] as? [[String: Any]])?.first)?["vulnerability"] as? String == "TEST-PYPI-REQUESTS")

                    // The delivery log: three delivered, JSON and CSV.
                    var log = try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin)
                    for _ in 0..<100 where (log.json["items"] as? [[String: Any]])?.allSatisfy({ $0["status"] as? String == "delivered" }) != true {
                        try await Task.sleep(for: .milliseconds(50))
                        log = try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin)
                    }
                    let items = try #require(log.json["items"] as? [[String: Any]])
                    #expect(Set(items.compactMap { $0["event_type"] as? String }) == ["advisory.hits_running", "finding.opened", "finding.closed"])
                    #expect(items.allSatisfy { $0["status"] as? String == "delivered" && $0["attempts"] as? Int == 1 && $0["last_response_code"] as? Int == 200 })
                    let csv = try await client.send(.get, "/v1/webhooks/\(id)/deliveries", token: environment.admin, headers: [.accept: "text/csv"])
                    #expect(csv.text.split(whereSeparator: \.isNewline).count == 4)
                    #expect(csv.text.hasPrefix("id,webhook_id,event_id,event_type"))
                    let filtered = try await client.send(.get, "/v1/webhooks/\(id)/deliveries?status=failed", token: environment.admin)
                    #expect((filtered.json["items"] as? [Any])?.isEmpty == true)

                    let metrics = try await client.send(.get, "/metrics")
                    #expect(metrics.text.contains(#"patchtrack_webhook_deliveries_total{result="delivered"} 3"#))
                    #expect(metrics.text.contains("patchtrack_webhook_queue_depth 0"))
                    #expect(metrics.text.contains("patchtrack_webhook_oldest_pending_seconds 0"))
                }
            }
        }
    }

    @Test("one advisory zip import of 1,100 records (two transactions) opening 2,200 findings on two images sends one finding.opened per image, capped and counted")
    func coalescing() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 << 20, webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        try await receiver.serve { base in
            try await environment.withClient { client in
                _ = try await Support.subscribe(client, environment, "\(base)/hook", extra: #""events":["finding.opened","advisory.hits_running"]"#)
                let purls = (0..<1_100).map { "pkg:pypi/package-\($0)@1.0.0" }
                for character: Character in ["1", "2"] {
                    _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest(character), purls: purls))
                }
                let archive = try Archive(accessMode: .create)
                for index in 0..<1_100 {
                    let data = Data(osvRecord(id: "TEST-PYPI-\(index)", ecosystem: "PyPI", name: "package-\(index)", fixed: "1.0.1").utf8)
                    try archive.addEntry(
                        with: "TEST-PYPI-\(index).json", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
                    ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
                }
                let zip = try #require(archive.data)
                let posted = try await client.client.execute(
                    uri: "/v1/advisories", method: .post,
                    headers: [.authorization: "Bearer \(environment.ingest)", .contentType: "application/zip"], body: ByteBuffer(bytes: zip)
                ) { response in Client.Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body)) }
                #expect(posted.json["created"] as? Int == 1_100, "\(posted.text)")
                try await Support.delivering(worker, sender) {
                    let opened = try await receiver.waitFor("/hook", count: 2)
                    try await Task.sleep(for: .milliseconds(300))
                    let all = await receiver.received("/hook")
                    // Neither image runs anywhere: no advisory.hits_running.
                    #expect(all.map(\.type) == ["finding.opened", "finding.opened"])
                    #expect(Set(opened.compactMap { ($0.data["image"] as? [String: Any])?["digest"] as? String }) == [digest("1"), digest("2")])
                    for event in opened {
                        #expect(event.data["finding_count"] as? Int == 1_100)
                        #expect((event.data["findings"] as? [Any])?.count == EventBatch.maximumItems)
                        #expect(event.data["truncated"] as? Bool == true)
                        let severities = (event.data["findings"] as? [[String: Any]])?.compactMap { $0["vulnerability"] as? String } ?? []
                        #expect(severities == severities.sorted())
                        #expect((event.data["vulnerabilities"] as? [String])?.count == 1_100)
                    }
                }
            }
        }
    }

    @Test("a stage its writer never ended (the process died mid-import) is coalesced by the stage job: the events arrive, later")
    func abandonedStage() async throws {
        let environment = try await TestEnvironment(webhookAllowPrivate: true)
        defer { environment.remove() }
        let receiver = WebhookReceiver()
        let (worker, sender) = Support.worker(environment)
        try await receiver.serve { base in
            try await environment.withClient { client in
                _ = try await Support.subscribe(client, environment, "\(base)/hook", extra: #""events":["finding.opened"]"#)
                let purls = (0..<3).map { "pkg:pypi/package-\($0)@1.0.0" }
                _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: purls))
                let records = (0..<3).map { osvRecord(id: "TEST-PYPI-\($0)", ecosystem: "PyPI", name: "package-\($0)", fixed: "1.0.1") }
                let entries = try OSVBundle.entries(json: Data(("[" + records.joined(separator: ",") + "]").utf8))
                _ = try await environment.database.advisories.ingest(entries, eventStage: "stage_abandoned")
                try await Support.delivering(worker, sender) {
                    try await Task.sleep(for: .milliseconds(400))
                    #expect(await receiver.received("/hook").isEmpty)
                    #expect(try await environment.database.webhooks.flushAbandonedStages(idleSeconds: 3600) == 0)
                    #expect(try await environment.database.webhooks.flushAbandonedStages(idleSeconds: 0) == 1)
                    let opened = try await receiver.waitFor("/hook", type: "finding.opened")
                    #expect(opened.count == 1)
                    #expect(opened.first?.data["finding_count"] as? Int == 3)
                    #expect(try await environment.database.webhooks.flushAbandonedStages(idleSeconds: 0) == 0)
                }
            }
        }
    }
}
