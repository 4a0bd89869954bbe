import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Policy store, on each engine")
struct PolicyStoreTests {
    @Test("defaults come from Core until changed; changes and overrides are audited in order", arguments: TestEngine.available)
    func defaultsAndAudit(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: a new database holds no policy row
            let store = PolicyStore(executor: executors[0])
            let admin = try await TokenStore(executor: executors[0]).create(name: "admin", role: .admin).info
            let initial = try await store.policy()
            #expect(initial.defaults == StoredPolicyDefaults(rules: RebuildRules(), sla: ServiceLevel(), updatedAt: nil))
            // when
            let changed = try await store.updateDefaults(by: admin) { rules, sla in
                rules.requireFix = false
                sla.criticalDays = 1
            }
            let override = try await store.setOverride(
                repository: "ghcr.io/acme/app",
                override: RebuildRulesOverride(maximumAgeDays: .some(nil), trustedBasePatterns: [RepositoryPattern("docker.io/library/*")]),
                by: admin)
            // then
            #expect(changed.defaults.rules.requireFix == false && changed.defaults.sla.criticalDays == 1)
            #expect(changed.defaults.sla.highDays == ServiceLevel().highDays && changed.defaults.updatedAt != nil)
            let reread = try await store.policy()
            #expect(reread.defaults == changed.defaults)
            #expect(reread.overrides == [override])
            let changes = try await store.changes()
            #expect(changes.map(\.repository) == [nil, "ghcr.io/acme/app"])
            #expect(changes.allSatisfy { $0.tokenName == "admin" && $0.tokenID == admin.id })
            #expect(changes[0].oldValue?.contains("\"require_fix\":true") == true)
            #expect(changes[0].newValue.contains("\"require_fix\":false"))
            #expect(changes[1].oldValue == nil && changes[1].newValue.contains("\"max_age_days\":null"))
        }
    }

    @Test("changes from several replicas at once: each audit entry starts where the one before it ended", arguments: TestEngine.available)
    func concurrentChanges(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 3) { executors in
            let admin = try await TokenStore(executor: executors[0]).create(name: "admin", role: .admin).info
            try await withThrowingTaskGroup(of: Void.self) { group in
                for day in 1...9 {
                    let store = PolicyStore(executor: executors[day % executors.count])
                    group.addTask { _ = try await store.updateDefaults(by: admin) { _, sla in sla.lowDays = 100 + day } }
                }
                try await group.waitForAll()
            }
            let changes = try await PolicyStore(executor: executors[0]).changes()
            #expect(changes.count == 9)
            for (previous, next) in zip(changes, changes.dropFirst()) {
                #expect(next.oldValue == previous.newValue)
            }
        }
    }
}
