import Foundation
import Testing

@testable import PatchTrackStorage

@Suite("Copying a SQLite database into PostgreSQL")
struct DatabaseCopyTests {
    @Test(
        "every row arrives, the environment ↔ snapshot cycle included, ids continue after the copied ones, and a second copy is refused",
        .enabled(if: TestEngine.postgresURL != nil, TestEngine.postgresSkipReason))
    func copiesEverything() async throws {
        try await TestEngine.sqlite.withDatabase { sources in
            // given: a token, and an environment whose current snapshot points back at it
            let source = sources[0]
            let token = try await TokenStore(executor: source).create(name: "ci", role: .ingest)
            try await source.write { session in
                try session.execute(
                    "INSERT INTO environment (id, name, stage, position, createdAt, updatedAt) VALUES (7, 'prod', 'production', 1, 't', 't')")
                try session.execute(
                    """
                    INSERT INTO inventorySnapshot (id, environmentId, format, takenAt, workloads, replicas, skipped, tokenName)
                    VALUES (3, 7, 'workload-list', 't', 0, 0, 0, 'ci')
                    """)
                try session.execute("UPDATE environment SET currentSnapshotId = 3 WHERE id = 7")
            }
            try await TestEngine.postgres.withDatabase { targets in
                // when
                let result = try await DatabaseCopy.copy(from: source, to: targets[0])
                // then
                #expect(result.tables.first { $0.name == "environment" }?.rows == 1)
                #expect(try await TokenStore(executor: targets[0]).authenticate(secret: token.secret)?.name == "ci")
                let current = try await targets[0].read { session in
                    try session.fetchValue("SELECT currentSnapshotId FROM environment WHERE name = 'prod'", as: Int64.self)
                }
                #expect(current == 3)
                let next = try await TokenStore(executor: targets[0]).create(name: "next", role: .read)
                #expect(next.info.id > token.info.id)
                await #expect(throws: DatabaseCopy.Refusal.self) { try await DatabaseCopy.copy(from: source, to: targets[0]) }
            }
        }
    }
}
