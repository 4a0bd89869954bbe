import Foundation
import Logging
import Testing

@testable import PatchTrackStorage

/// The engines storage tests run on: SQLite always, PostgreSQL when `PATCHTRACK_TEST_POSTGRES_URL` names a server
/// (`postgres://user@127.0.0.1:PORT/postgres?sslmode=disable`; `.ci/run` starts one and sets it). Each test gets a
/// database of its own: a new SQLite file, or a new PostgreSQL database (C collation) dropped afterwards.
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The server's URL, when PostgreSQL tests can run.
    static let postgresURL: String? = {
        guard let value = ProcessInfo.processInfo.environment["PATCHTRACK_TEST_POSTGRES_URL"], !value.isEmpty else { return nil }
        return value
    }()

    /// Why PostgreSQL tests are skipped on this machine.
    static let postgresSkipReason: Comment =
        "PostgreSQL tests skipped: PATCHTRACK_TEST_POSTGRES_URL is not set (.ci/run starts a throwaway server and sets it)"

    /// The engines available here.
    static var available: [TestEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// Runs `body` with `count` executors on one new, migrated database (several executors stand for several
    /// processes), then closes them and removes the database.
    func withDatabase<T: Sendable>(
        executors count: Int = 1, _ body: ([any SQLExecutor]) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-engine-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appending(path: "db.sqlite").path
            return try await run(count, body) { try StorageEngine.open(.sqlite(path: path), logger: Self.logger) }
        case .postgres:
            let server = try PostgresLocation(url: try #require(Self.postgresURL))
            let name = "pt_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
            let admin = PostgresExecutor(server, maximumConnections: 1, logger: Self.logger)
            try await admin.withConnection { session in
                _ = try session.execute(
                    SQLStatement(stringLiteral: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
            }
            var location = server
            location.database = name
            do {
                let result = try await run(count, body) { PostgresExecutor(location, maximumConnections: 4, logger: Self.logger) }
                try await Self.drop(name, admin)
                return result
            } catch {
                try? await Self.drop(name, admin)
                throw error
            }
        }
    }

    private func run<T: Sendable>(
        _ count: Int, _ body: ([any SQLExecutor]) async throws -> T, open: () throws -> any SQLExecutor
    ) async throws -> T {
        var executors: [any SQLExecutor] = []
        for _ in 0..<count { executors.append(try open()) }
        do {
            _ = try await StorageEngine.migrate(executors[0])
            let result = try await body(executors)
            for executor in executors { try await executor.close() }
            return result
        } catch {
            for executor in executors { try? await executor.close() }
            throw error
        }
    }

    private static func drop(_ name: String, _ admin: PostgresExecutor) async throws {
        try await admin.withConnection { session in
            _ = try session.execute(SQLStatement(stringLiteral: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
        try await admin.close()
    }

    static let logger: Logger = {
        var logger = Logger(label: "patchtrack.tests.storage")
        logger.logLevel = .critical
        return logger
    }()
}
