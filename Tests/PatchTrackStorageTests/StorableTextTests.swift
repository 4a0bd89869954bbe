import Foundation
import Testing

@testable import PatchTrackStorage

@Suite("Text the engines cannot store whole")
struct StorableTextTests {
    @Sendable static func isNUL(_ error: any Error) -> Bool {
        if case SQLError.nulCharacter = error { return true }
        return false
    }

    @Test("a NUL in bound text is refused on both engines, in single statements and batch inserts, and rolls back", arguments: TestEngine.available)
    func nulIsRefused(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let executor = executors[0]
            // when: a write binds "ba\0sh" after a good row in the same transaction
            await #expect(performing: {
                try await executor.write { session in
                    try session.execute("INSERT INTO lease (name, holder, acquiredAt, expiresAt) VALUES ('good', 'x', 'y', 'y')")
                    try session.execute("INSERT INTO lease (name, holder, acquiredAt, expiresAt) VALUES (\("ba\u{0}sh"), 'x', 'y', 'y')")
                }
            }, throws: Self.isNUL)
            var batch = SQLBatchInsert(into: "lease", columns: ["name", "holder", "acquiredAt", "expiresAt"])
            batch.append("fine", "x", "y", "y")
            batch.append("no\u{0}", "x", "y", "y")
            let rows = batch
            await #expect(performing: {
                try await executor.write { session in _ = try session.insert(rows) }
            }, throws: Self.isNUL)
            // then: nothing of either transaction stayed; other text is stored whole
            try await executor.write { session in
                _ = try session.execute("INSERT INTO lease (name, holder, acquiredAt, expiresAt) VALUES (\("ba\u{1}sh é"), 'x', 'y', 'y')")
            }
            let names = try await executor.read { session in
                try session.fetchAll("SELECT name FROM lease ORDER BY name").map { try $0.decode("name", as: String.self) }
            }
            #expect(names == ["ba\u{1}sh é"])
        }
    }
}
