import Foundation
import GRDB
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Upgrading a database made by the landed schema")
struct UpgradeTests {
    @Test("a database at 0005 with data upgrades to the seam: tokens still work, untouched policy defaults come from Core, changed ones stay")
    func upgradeFromLandedSchema() async throws {
        for changedDefaults in [false, true] {
            // given: a file migrated only through the landed 0005, with a token and (or not) changed policy defaults,
            // written as the landed code wrote them
            let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-upgrade-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appending(path: "db.sqlite").path
            let (lookupKey, secret) = TokenSecret.generate()
            do {
                let queue = try DatabaseQueue(path: path)
                try Migrations.migrator.migrate(queue, upTo: "0005_environments_rollouts")
                try await queue.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO token (name, role, lookupKey, secretHash, createdAt) VALUES ('ci', 'ingest', ?, ?, '2026-01-01T00:00:00.000Z')
                            """, arguments: [lookupKey, TokenSecret.hash(secret)])
                    if changedDefaults {
                        try db.execute(sql: "UPDATE rebuildPolicy SET slaCriticalDays = 1, updatedAt = '2026-01-02T00:00:00.000Z' WHERE id = 1")
                    }
                }
                try queue.close()
            }
            // when
            let database = try AppDatabase(path: path)
            // then
            #expect(try await database.appliedMigrations() == StorageEngine.knownMigrations(.sqlite))
            #expect(try await database.tokens.authenticate(secret: secret)?.name == "ci")
            let policy = try await database.policies.policy()
            if changedDefaults {
                #expect(policy.defaults.sla.criticalDays == 1 && policy.defaults.updatedAt == "2026-01-02T00:00:00.000Z")
            } else {
                #expect(policy.defaults == StoredPolicyDefaults(rules: RebuildRules(), sla: ServiceLevel(), updatedAt: nil))
            }
            #expect(try await database.generations.current() == Generations(writes: 0, findingWrites: 0))
            _ = try await database.tokens.create(name: "next", role: .read)
            #expect(try await database.generations.current().writes == 1)
            try await database.close()
        }
    }
}
