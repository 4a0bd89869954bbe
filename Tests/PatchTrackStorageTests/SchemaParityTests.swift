import Foundation
import Testing

@testable import PatchTrackStorage

@Suite("PostgreSQL engine: migrations and schema", .enabled(if: TestEngine.postgresURL != nil, TestEngine.postgresSkipReason))
struct SchemaParityTests {
    /// The package's root folder (scripts/ lives there).
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("both engines know the same migration identifiers, and PostgreSQL applies them once")
    func sameIdentifiers() async throws {
        #expect(StorageEngine.knownMigrations(.postgres) == StorageEngine.knownMigrations(.sqlite))
        try await TestEngine.postgres.withDatabase(executors: 2) { executors in
            // withDatabase migrated through the first; the second (another replica starting) finds nothing to do.
            let appliedNow = try await StorageEngine.migrate(executors[1])
            let applied = try await StorageEngine.appliedMigrations(executors[1])
            #expect(appliedNow.isEmpty)
            #expect(applied == StorageEngine.knownMigrations(.sqlite))
        }
    }

    @Test("replicas starting together apply each migration once")
    func concurrentMigrations() async throws {
        let server = try PostgresLocation(url: try #require(TestEngine.postgresURL))
        try await TestEngine.postgres.withDatabase { executors in
            // given: a second, empty database on the same server
            let name = try await executors[0].read { session in try session.fetchValue("SELECT current_database()", as: String.self) }
            let empty = try #require(name) + "_b"
            let admin = PostgresExecutor(server, maximumConnections: 1, logger: TestEngine.logger)
            try await admin.withConnection { session in
                _ = try session.execute(SQLStatement(stringLiteral: "CREATE DATABASE \(empty) TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"))
            }
            var location = server
            location.database = empty
            let replicas = (0..<3).map { _ in PostgresExecutor(location, maximumConnections: 2, logger: TestEngine.logger) }
            // when
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for replica in replicas { group.addTask { try await StorageEngine.migrate(replica) } }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            for replica in replicas { try await replica.close() }
            try await admin.withConnection { session in
                _ = try session.execute(SQLStatement(stringLiteral: "DROP DATABASE \(empty) WITH (FORCE)"))
            }
            try await admin.close()
            // then
            #expect(applied.sorted() == StorageEngine.knownMigrations(.postgres))
        }
    }

    @Test("both engines end at the same logical schema (tables, columns, keys, indexes)")
    func sameLogicalSchema() async throws {
        let server = try PostgresLocation(url: try #require(TestEngine.postgresURL))
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-parity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlitePath = directory.appending(path: "db.sqlite").path
        let sqlite = try StorageEngine.open(.sqlite(path: sqlitePath), logger: TestEngine.logger)
        _ = try await StorageEngine.migrate(sqlite)
        try await sqlite.close()
        try await TestEngine.postgres.withDatabase { executors in
            let database = try #require(
                try await executors[0].read { session in try session.fetchValue("SELECT current_database()", as: String.self) })
            // scripts/compare-schemas.py reads both catalogs (PRAGMAs; information_schema and pg_catalog through psql)
            // and exits 1 with the differences.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", Self.root.appending(path: "scripts/compare-schemas.py").path, "--sqlite", sqlitePath,
                "--pg-host", server.host, "--pg-port", String(server.port), "--pg-user", server.username, "--pg-db", database,
                "--diff-only",
            ]
            var environment = ProcessInfo.processInfo.environment
            if let password = server.password { environment["PGPASSWORD"] = password }
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(text)")
        }
    }
}
