import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Token store, on each engine")
struct TokenStoreTests {
    @Test("only the hash is stored; the secret authenticates until revoked", arguments: TestEngine.available)
    func hashedAndRevocable(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let store = TokenStore(executor: executors[0])
            let token = try await store.create(name: "ci", role: .ingest)
            // when / then
            #expect(token.secret.hasPrefix("pt_"))
            let stored = try await executors[0].read { session in
                try session.fetchAll("SELECT secretHash, lookupKey FROM token")
            }
            #expect(stored.count == 1)
            #expect(try stored[0].decode("secretHash", as: Data.self).count == 32)
            #expect(try stored[0].decode("secretHash", as: Data.self) != Data(token.secret.utf8))
            #expect(try await store.authenticate(secret: token.secret)?.role == .ingest)
            var tampered = Array(token.secret)
            tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
            #expect(try await store.authenticate(secret: String(tampered)) == nil)
            let revoked = try await store.revoke(id: token.info.id)
            #expect(revoked.revokedAt != nil)
            #expect(try await store.revoke(id: token.info.id).revokedAt == revoked.revokedAt)
            #expect(try await store.authenticate(secret: token.secret) == nil)
            #expect(try await store.list().map(\.name) == ["ci"])
            await #expect(throws: StorageError.notFound("token 999")) { try await store.revoke(id: 999) }
        }
    }

    @Test("the first admin token is made once, and again only when no live admin remains", arguments: TestEngine.available)
    func initialAdmin(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let store = TokenStore(executor: executors[0])
            let first = try #require(try await store.createInitialAdminIfNeeded())
            #expect(first.info.role == .admin)
            #expect(try await store.createInitialAdminIfNeeded() == nil)
            _ = try await store.revoke(id: first.info.id)
            #expect(try await store.createInitialAdminIfNeeded() != nil)
        }
    }

    @Test("processes starting together on one database create one initial admin between them", arguments: TestEngine.available)
    func initialAdminRace(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 3) { executors in
            // when: twelve attempts from three "processes" at once
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<12 {
                    let store = TokenStore(executor: executors[attempt % executors.count])
                    group.addTask { try await store.createInitialAdminIfNeeded() != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // then
            #expect(created == 1)
            #expect(try await TokenStore(executor: executors[1]).list().count == 1)
        }
    }
}
