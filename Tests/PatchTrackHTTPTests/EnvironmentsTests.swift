import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

@Suite("Environments, inventory snapshots and rollouts")
struct EnvironmentsTests {
    static let repository = "registry.example.com/shop/checkout"

    @Test("environments are created by admins only, listed in order, and validated")
    func environments() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-03-02T00:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            #expect(try await client.send(.put, "/v1/environments/prod-eu", token: environment.ingest, body: #"{"stage":"production","order":2}"#).status == .forbidden)
            #expect(try await client.send(.put, "/v1/environments/prod-eu", token: environment.admin, body: #"{"stage":"production","order":20}"#).status == .created)
            #expect(try await client.send(.put, "/v1/environments/canary", token: environment.admin, body: #"{"stage":"canary","order":10}"#).status == .created)
            let updated = try await client.send(
                .put, "/v1/environments/prod-eu", token: environment.admin, body: #"{"stage":"production","order":30,"description":"eu"}"#)
            #expect(updated.status == .ok)
            #expect(updated.json["description"] as? String == "eu")

            let list = try await client.send(.get, "/v1/environments", token: environment.read)
            #expect((list.json["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["canary", "prod-eu"])

            let invalid = try await client.send(.put, "/v1/environments/x", token: environment.admin, body: #"{"stage":"Prod!","order":-1}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields.sorted() == ["order", "stage"])
            #expect(try await client.send(.put, "/v1/environments/-bad", token: environment.admin, body: #"{"stage":"a","order":1}"#).status == .badRequest)
            #expect(try await client.send(.get, "/v1/environments/nowhere", token: environment.read).status == .notFound)
            let unknown = try await client.send(.post, "/v1/environments/nowhere/inventory", token: environment.ingest, body: "[]")
            #expect(unknown.status == .notFound)
        }
    }

    @Test("each inventory post replaces the last; history is kept; stopped digests are counted")
    func snapshotsReplaceEachOther() async throws {
        let clock = TestClock("2026-03-02T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            let first = try await client.send(
                .post, "/v1/environments/prod/inventory", token: environment.ingest,
                body: """
                    [{"namespace":"shop","workload":"checkout","container":"app","image":"\(Self.repository):1","digest":"\(digest("1"))","replicas":3},
                     {"namespace":"shop","workload":"checkout","container":"proxy","image":"envoyproxy/envoy:v1.30@\(digest("e"))","replicas":3},
                     {"workload":"kube-system/dns","kind":"Deployment","container":"coredns","image":"registry.k8s.io/coredns@\(digest("c"))"}]
                    """)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["workloads"] as? Int == 2)
            #expect(first.json["replicas"] as? Int == 4)
            #expect(first.json["new_images"] as? Int == 3)
            #expect(first.json["stopped_images"] as? Int == 0)

            clock.set("2026-03-02T01:00:00Z")
            let second = try await client.send(
                .post, "/v1/environments/prod/inventory", token: environment.ingest,
                body: #"[{"namespace":"shop","workload":"checkout","container":"app","image":"\#(Self.repository):2","digest":"\#(digest("2"))","replicas":2}]"#)
            #expect(second.json["stopped_images"] as? Int == 3)
            #expect(second.json["new_images"] as? Int == 1)

            let now = try await client.send(.get, "/v1/environments/prod/inventory", token: environment.read)
            let items = try #require(now.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["shop/checkout"])
            let containers = try #require(items.first?["containers"] as? [[String: Any]])
            #expect(containers.map { $0["digest"] as? String } == [digest("2")])
            #expect(containers.first?["repository"] as? String == Self.repository)
            #expect((now.json["snapshot"] as? [String: Any])?["taken_at"] as? String == "2026-03-02T01:00:00.000Z")
            let csv = try await client.send(.get, "/v1/environments/prod/inventory", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.text.split(whereSeparator: \.isNewline).dropFirst().map(String.init) == [
                "shop/checkout,Workload,2,app,false,\(Self.repository),\(digest("2")),2,",
            ])

            let paged = try await client.send(.get, "/v1/environments/prod/inventory?limit=1", token: environment.read)
            #expect(paged.json["total"] as? Int == 1)
            #expect(paged.json.keys.contains("next_cursor"))
            #expect(paged.json["next_cursor"] as? String == nil)
            #expect((paged.json["items"] as? [[String: Any]])?.count == 1)
            #expect(try await client.send(.get, "/v1/environments/prod/inventory?cursor=x", token: environment.read).status == .badRequest)

            let history = try await client.send(.get, "/v1/environments/prod/snapshots?limit=1", token: environment.read)
            #expect((history.json["items"] as? [[String: Any]])?.map { $0["replicas"] as? Int } == [2])
            let cursor = try #require(history.json["next_cursor"] as? String)
            let older = try await client.send(.get, "/v1/environments/prod/snapshots?limit=1&cursor=\(cursor)", token: environment.read)
            #expect((older.json["items"] as? [[String: Any]])?.map { $0["replicas"] as? Int } == [4])
            let env = try await client.send(.get, "/v1/environments/prod", token: environment.read)
            #expect(env.json["replicas"] as? Int == 2)
            #expect(env.json["inventory_at"] as? String == "2026-03-02T01:00:00.000Z")
        }
    }

    @Test("snapshots older than the retention period (90 days by default) are pruned; the newest always stays")
    func retention() async throws {
        let clock = TestClock("2026-01-01T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        let row = #"[{"namespace":"shop","workload":"checkout","container":"app","image":"\#(Self.repository):1","digest":"\#(digest("1"))"}]"#
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            #expect(try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: row).json["pruned_snapshots"] as? Int == 0)
            clock.set("2026-02-20T00:00:00Z")
            #expect(try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: row).json["pruned_snapshots"] as? Int == 0)
            clock.set("2026-04-11T00:00:00Z")
            let third = try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: row)
            #expect(third.json["pruned_snapshots"] as? Int == 1, "the January snapshot is over 90 days old")
            let snapshots = try await client.send(.get, "/v1/environments/prod/snapshots", token: environment.read)
            #expect((snapshots.json["items"] as? [[String: Any]])?.map { $0["taken_at"] as? String } == [
                "2026-04-11T00:00:00.000Z", "2026-02-20T00:00:00.000Z",
            ])
        }
    }

    @Test("inventory that is not one of the three shapes, or has bad values, is refused and nothing is stored")
    func badInventory() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            let deployment = try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: #"{"kind":"Deployment"}"#)
            #expect(deployment.status == .unprocessableContent)
            #expect(deployment.problemType == "unsupported-document")
            let badDigest = try await client.send(
                .post, "/v1/environments/prod/inventory", token: environment.ingest,
                body: #"[{"namespace":"a","workload":"b","container":"c","image":"nginx","digest":"sha256:abc"}]"#)
            #expect(badDigest.status == .unprocessableContent)
            #expect(badDigest.errorFields == ["[0].digest"])
            #expect(try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: "[{").status == .badRequest)
            let nameless = try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: #"{"kind":"Pod"}"#)
            #expect(nameless.status == .unprocessableContent, "a post from which nothing could be recorded would empty the environment")
            #expect(nameless.errorFields == ["metadata.name"])
            #expect(try await client.send(.post, "/v1/environments/prod/inventory", token: environment.read, body: "[]").status == .forbidden)
            let snapshots = try await client.send(.get, "/v1/environments/prod/snapshots", token: environment.read)
            #expect((snapshots.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a kubectl pod list maps pods to workloads with every imageID form")
    func kubectlPodList() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PatchTrackCoreTests/Fixtures/k8s/kubectl-pods-list.json")
        let list = try String(contentsOf: url, encoding: .utf8)
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            let posted = try await client.send(.post, "/v1/environments/prod/inventory", token: environment.ingest, body: list)
            #expect(posted.status == .created, "\(posted.text)")
            #expect(posted.json["format"] as? String == "pod-list")
            let now = try await client.send(.get, "/v1/environments/prod/inventory", token: environment.read)
            let items = try #require(now.json["items"] as? [[String: Any]])
            let kinds = Dictionary(items.map { ($0["name"] as? String ?? "", $0["kind"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(kinds.values.contains("Deployment"))
            #expect(kinds.values.contains("StatefulSet"))
            #expect(kinds.values.contains("DaemonSet"))
            #expect(!((posted.json["skipped"] as? [Any]) ?? []).isEmpty, "the pending pod without a digest is reported")
            let stateful = try #require(items.first { $0["kind"] as? String == "StatefulSet" })
            #expect(stateful["replicas"] as? Int == 2)
        }
    }

    @Test("rollouts: validation, one active rollout per workload, reported events, state filters")
    func rollouts() async throws {
        let environment = try await TestEnvironment(now: TestClock("2026-03-02T00:00:00Z").closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            _ = try await client.send(.put, "/v1/environments/prod", token: environment.admin, body: #"{"stage":"production","order":1}"#)
            let invalid = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"prod","workload":"checkout","repository":"Bad Name","to_digest":"sha256:1","from_digests":["x"],"steps":[50,25]}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields.sorted() == ["from_digests[0]", "repository", "steps[1]", "to_digest", "workload"])
            let unknown = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"staging","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("2"))"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["environment"])

            let first = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"prod","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("2"))","from_digests":["\#(digest("1"))"]}"#)
            #expect(first.status == .created)
            let firstId = try #require(first.json["id"] as? Int)
            let paused = try await client.send(.post, "/v1/rollouts/\(firstId)/events", token: environment.ingest, body: #"{"status":"paused","weight":20,"at":"2026-03-02T00:05:00Z"}"#)
            #expect(paused.json["state"] as? String == "paused")
            #expect(paused.json["weight"] as? Int == 20)
            #expect((paused.json["events"] as? [[String: Any]])?.last?["at"] as? String == "2026-03-02T00:05:00.000Z")
            #expect(try await client.send(.post, "/v1/rollouts/\(firstId)/events", token: environment.ingest, body: #"{"status":"done"}"#).status == .unprocessableContent)
            #expect(try await client.send(.post, "/v1/rollouts/999/events", token: environment.ingest, body: #"{"status":"paused"}"#).status == .notFound)

            // A rollout to another digest aborts the active one.
            let second = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"prod","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("3"))"}"#)
            #expect(second.status == .created)
            let aborted = try await client.send(.get, "/v1/rollouts/\(firstId)", token: environment.read)
            #expect(aborted.json["state"] as? String == "aborted")
            #expect(aborted.json["weight"] as? Int == 0)
            let active = try await client.send(.get, "/v1/rollouts?state=active", token: environment.read)
            #expect((active.json["items"] as? [[String: Any]])?.map { $0["to_digest"] as? String } == [digest("3")])
            let finished = try await client.send(.get, "/v1/rollouts?state=finished&environment=prod", token: environment.read)
            #expect((finished.json["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [firstId])
            #expect(try await client.send(.get, "/v1/rollouts?state=stuck", token: environment.read).status == .badRequest)
            let csv = try await client.send(.get, "/v1/rollouts", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.text.split(whereSeparator: \.isNewline).count == 3)
        }
    }
}
