import Foundation
import PatchTrackStorage
import Testing

@Suite("Migrations")
struct MigrationTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("an empty database gets every migration; running again applies nothing")
    func emptyThenNoOp() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "db.sqlite").path
        let database = try AppDatabase(path: path, migrate: false)
        let applied = try await database.migrate()
        #expect(applied.first == "0001_registry_and_tokens")
        #expect(try await database.appliedMigrations() == applied)
        #expect(try await database.migrate().isEmpty)
        try await database.close()
        let reopened = try AppDatabase(path: path)
        #expect(try await reopened.appliedMigrations() == applied)
        try await reopened.close()
    }

    @Test("the migrated schema equals the checked-in snapshot")
    func schemaSnapshot() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appending(path: "db.sqlite").path)
        let snapshotURL = try #require(Bundle.module.url(forResource: "schema", withExtension: "sql", subdirectory: "Fixtures"))
        let snapshot = try String(contentsOf: snapshotURL, encoding: .utf8)
        let actual = try await database.diagnostics.schemaSQL()
        if actual != snapshot {
            let fresh = directory.appending(path: "schema.sql")
            try actual.write(to: fresh, atomically: true, encoding: .utf8)
            Issue.record("schema differs from Tests/PatchTrackStorageTests/Fixtures/schema.sql; new schema written to \(fresh.path)")
        }
        try await database.close()
    }

    @Test("the patchtrack binary migrates from any working directory (migrations are embedded)")
    func binaryFromAnotherDirectory() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "patchtrack")
        // swift test builds every product; the test bundle sits next to the executable.
        let candidates = [binary] + ((try? FileManager.default.contentsOfDirectory(atPath: ".build/debug")).map { _ in [URL(fileURLWithPath: ".build/debug/patchtrack").standardizedFileURL] } ?? [])
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["migrate", "--database", "relative.sqlite"]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("applied 0001_registry_and_tokens"))
        let database = try AppDatabase(path: directory.appending(path: "relative.sqlite").path, migrate: false)
        #expect(try await database.appliedMigrations().contains("0001_registry_and_tokens"))
        try await database.close()
    }
}
