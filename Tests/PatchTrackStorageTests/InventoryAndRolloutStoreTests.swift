import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Inventory and rollout stores, on each engine")
struct InventoryAndRolloutStoreTests {
    private static let old = "sha256:" + String(repeating: "0a", count: 32)
    private static let new = "sha256:" + String(repeating: "0b", count: 32)

    /// A simple inventory: workload `shop/web` with `replicas` pods, `onNew` of them on the new digest.
    private static func inventory(replicas: Int, onNew: Int) throws -> InventoryDocument {
        var items: [[String: Any]] = []
        if replicas - onNew > 0 {
            items.append(["namespace": "shop", "workload": "web", "container": "app", "image": "ghcr.io/acme/web", "digest": old, "replicas": replicas - onNew])
        }
        if onNew > 0 {
            items.append(["namespace": "shop", "workload": "web", "container": "app", "image": "ghcr.io/acme/web", "digest": new, "replicas": onNew])
        }
        return try InventoryDocument.parse(try JSONSerialization.data(withJSONObject: items))
    }

    private static func setUp(_ executor: any SQLExecutor) async throws -> TokenInfo {
        _ = try await EnvironmentStore(executor: executor).put(name: "prod", EnvironmentSettings(stage: "production", order: 1, description: nil))
        return try await TokenStore(executor: executor).create(name: "ci", role: .ingest).info
    }

    @Test("a rollout progresses with inventory and completes when every replica runs the new digest", arguments: TestEngine.available)
    func rolloutFollowsInventory(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let token = try await Self.setUp(executors[0])
            let inventory = InventoryStore(executor: executors[0])
            let rollouts = RolloutStore(executor: executors[0])
            let first = try #require(try await inventory.record(environment: "prod", try Self.inventory(replicas: 4, onNew: 0), by: token))
            #expect(first.newImages == 1 && first.replicas == 4)
            // when
            let request = RolloutRequest(
                environment: "prod", workload: "shop/web", repository: try RepositoryName(parsing: "ghcr.io/acme/web"),
                toDigest: try Digest(parsing: Self.new), fromDigests: [], steps: [25, 100], startedAt: nil)
            let (rollout, created) = try await rollouts.create(request, by: token)
            let (again, createdAgain) = try await rollouts.create(request, by: token)
            let half = try #require(try await inventory.record(environment: "prod", try Self.inventory(replicas: 4, onNew: 2), by: token))
            let done = try #require(try await inventory.record(environment: "prod", try Self.inventory(replicas: 4, onNew: 4), by: token))
            // then
            #expect(created && !createdAgain && again.id == rollout.id)
            #expect(rollout.fromDigests == [Self.old] && rollout.state == .progressing)
            #expect(half.rollouts.map(\.observedWeight) == [50] && half.stoppedImages == 0)
            #expect(done.rollouts.map(\.state) == [.completed] && done.stoppedImages == 1)
            let stored = try #require(try await rollouts.rollout(id: rollout.id))
            #expect(stored.state == .completed && stored.weight == 100 && stored.finishedAt != nil)
            #expect(stored.events.map(\.source) == ["report", "inventory", "inventory"])
            await #expect(throws: StorageError.self) {
                _ = try await rollouts.recordEvent(id: rollout.id, status: .paused, weight: nil, at: nil, by: token)
            }
            let current = try #require(try await inventory.current(environment: "prod"))
            #expect(current.workloads.flatMap(\.containers).map(\.digest) == [Self.new])
            let page = try #require(try await inventory.snapshots(environment: "prod", before: nil, limit: 2))
            #expect(page.items.count == 2 && page.nextCursor != nil)
            #expect(try await rollouts.list(state: .active, environment: nil, before: nil, limit: 10).items.isEmpty)
            #expect(try await rollouts.list(state: .finished, environment: "prod", before: nil, limit: 10).items.map(\.id) == [rollout.id])
        }
    }

    @Test("replicas starting rollouts of one workload and posting one environment's inventory at once stay consistent", arguments: TestEngine.available)
    func concurrentReplicas(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 3) { executors in
            let token = try await Self.setUp(executors[0])
            _ = try await InventoryStore(executor: executors[0]).record(environment: "prod", try Self.inventory(replicas: 4, onNew: 0), by: token)
            let request = RolloutRequest(
                environment: "prod", workload: "shop/web", repository: try RepositoryName(parsing: "ghcr.io/acme/web"),
                toDigest: try Digest(parsing: Self.new), fromDigests: [], steps: [100], startedAt: nil)
            // when: six starts of the same rollout and six inventory posts, spread over three "replicas", at once
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in 0..<12 {
                    let executor = executors[attempt % executors.count]
                    if attempt.isMultiple(of: 2) {
                        group.addTask { _ = try await RolloutStore(executor: executor).create(request, by: token) }
                    } else {
                        let document = try Self.inventory(replicas: 4, onNew: 1)
                        group.addTask { _ = try await InventoryStore(executor: executor).record(environment: "prod", document, by: token) }
                    }
                }
                try await group.waitForAll()
            }
            // then: one rollout, seven snapshots, one running interval per digest
            let rollouts = try await RolloutStore(executor: executors[1]).list(state: nil, environment: nil, before: nil, limit: 10)
            #expect(rollouts.items.count == 1)
            let counts = try await executors[2].read { session in
                try ["inventorySnapshot", "imageRunning", "rollout"].map { table in
                    try session.fetchValue(SQLStatement(stringLiteral: "SELECT count(*) FROM \(table)"), as: Int.self) ?? -1
                }
            }
            #expect(counts == [7, 2, 1])
        }
    }
}
