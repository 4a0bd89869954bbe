import Foundation
import PatchTrackCore
import PatchTrackStorage
import Testing

@Suite("Token storage")
struct TokenStorageTests {
    private func database() throws -> (AppDatabase, URL) {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-tokens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try AppDatabase(path: directory.appending(path: "db.sqlite").path), directory)
    }

    @Test("only the hash is stored; the secret authenticates until revoked")
    func hashedAndRevocable() async throws {
        let (database, directory) = try database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try database.createToken(name: "ci", role: .ingest)
        #expect(token.secret.hasPrefix("pt_"))
        let file = try Data(contentsOf: directory.appending(path: "db.sqlite"))
        let wal = (try? Data(contentsOf: directory.appending(path: "db.sqlite-wal"))) ?? Data()
        #expect(file.range(of: Data(token.secret.utf8)) == nil && wal.range(of: Data(token.secret.utf8)) == nil)
        #expect(try await database.authenticate(secret: token.secret)?.role == .ingest)
        var tampered = Array(token.secret)
        tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
        #expect(try await database.authenticate(secret: String(tampered)) == nil)
        _ = try await database.revokeToken(id: token.info.id)
        #expect(try await database.authenticate(secret: token.secret) == nil)
    }

    @Test("the first admin token is made once, and again only when no live admin remains")
    func initialAdmin() async throws {
        let (database, directory) = try database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try #require(try database.createInitialAdminTokenIfNeeded())
        #expect(first.info.role == .admin)
        #expect(try database.createInitialAdminTokenIfNeeded() == nil)
        _ = try await database.revokeToken(id: first.info.id)
        #expect(try database.createInitialAdminTokenIfNeeded() != nil)
    }
}
