import Foundation
import GRDB
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

/// A CycloneDX SBOM of `count` npm components: enough rows that storing them needs new database pages.
func syntheticSBOM(components count: Int) -> String {
    let components = (0..<count).map { index in
        #"{"type":"library","name":"package-\#(index)","version":"1.0.\#(index)","purl":"pkg:npm/package-\#(index)@1.0.\#(index)"}"#
    }
    return #"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[\#(components.joined(separator: ","))]}"#
}

@Suite("A full or read-only database")
struct StorageFullTests {
    /// `PRAGMA max_page_count` makes SQLite answer SQLITE_FULL when the file would grow, as a full disk does
    /// (https://www.sqlite.org/pragma.html#pragma_max_page_count); it holds for the writer connection only.
    static func limitPages(_ database: AppDatabase, to pages: Int) async throws -> Int {
        let pool = try #require(database.executor as? SQLiteExecutor).pool
        return try await pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") ?? 0
        }
    }

    @Test(
        "a write to a full database is a 507 storage-full with nothing written, readyz is 503 until space returns",
        .enabled(if: (try? TestPostgres.server) == nil, "SQLite's page limit"))
    func fullThenRecovered() async throws {
        let environment = try await TestEnvironment(maxBodySize: 8 * 1024 * 1024)
        defer { environment.remove() }
        let image = "ghcr.io/acme/api:1@\(digest("a"))"
        try await environment.withClient { client in
            // given a database that may not grow by one page
            let generation = try await environment.database.writeGeneration()
            let pages = try await Self.limitPages(environment.database, to: 1)
            #expect(pages > 1)

            // when a scan needing new pages is posted
            let sbom = syntheticSBOM(components: 2000)
            let refused = try await client.send(.post, "/v1/scans?image=\(image)", token: environment.ingest, body: sbom)

            // then it is refused as storage-full, nothing is written, and the service says it is not ready
            #expect(refused.status.code == 507, "\(refused.text)")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.problemType == "storage-full")
            #expect((refused.json["detail"] as? String)?.contains("full") == true)
            #expect(try await environment.database.writeGeneration() == generation)
            let images = try await client.send(.get, "/v1/images", token: environment.read)
            #expect((images.json["items"] as? [Any])?.count == 0)
            let notReady = try await client.send(.get, "/readyz")
            #expect(notReady.status == .serviceUnavailable)
            #expect(notReady.problemType == "not-ready")
            #expect((notReady.json["detail"] as? String)?.contains("writes fail") == true)
            let stillNotReady = try await client.send(.get, "/readyz")
            #expect(stillNotReady.status == .serviceUnavailable)

            // when space returns, without a restart
            _ = try await Self.limitPages(environment.database, to: 1_073_741_823)

            // then readiness comes back and the same write succeeds
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok, "\(ready.text)")
            let accepted = try await client.send(.post, "/v1/scans?image=\(image)", token: environment.ingest, body: sbom)
            #expect(accepted.status == .created, "\(accepted.text)")
            #expect(accepted.json["components"] as? Int == 2000)
        }
    }

    /// Makes the test's PostgreSQL database read-only (`default_transaction_read_only`, as a standby or an operator
    /// answers with SQLSTATE 25006) or writable again, for new sessions and the session this runs on, and ends the
    /// pool's other sessions so that the pool reconnects with the new default.
    static func setReadOnly(_ database: AppDatabase, _ readOnly: Bool) async throws {
        let executor = try #require(database.executor as? PostgresExecutor)
        let value = readOnly ? "on" : "off"
        try await executor.withConnection { session in
            try session.execute("BEGIN READ WRITE")
            let name = try session.fetchValue("SELECT current_database()", as: String.self) ?? ""
            try session.execute(SQLStatement(stringLiteral: "ALTER DATABASE \"\(name)\" SET default_transaction_read_only = \(value)"))
            try session.execute("COMMIT")
            try session.execute(SQLStatement(stringLiteral: "SET default_transaction_read_only = \(value)"))
            try session.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        }
    }

    @Test(
        "on PostgreSQL a read-only database is a 507 storage-full, readyz is 503 until it is writable again",
        .enabled(if: (try? TestPostgres.server) != nil, "PostgreSQL's default_transaction_read_only"))
    func readOnlyPostgres() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let body = #"{"reference":"ghcr.io/acme/api:1@\#(digest("e"))"}"#
        try await environment.withClient { client in
            // given a database that refuses writes
            let generation = try await environment.database.writeGeneration()
            try await Self.setReadOnly(environment.database, true)

            // when an image is registered (retried while the pool replaces the sessions that were ended)
            var refused: Client.Reply?
            for _ in 0..<50 {
                let reply = try await client.send(.post, "/v1/images", token: environment.ingest, body: body)
                if reply.status.code == 507 {
                    refused = reply
                    break
                }
                #expect(reply.status == .internalServerError, "\(reply.text)")
                try await Task.sleep(for: .milliseconds(100))
            }

            // then it is refused as storage-full naming the cause, nothing is written, and the service is not ready
            let reply = try #require(refused)
            #expect(reply.problemType == "storage-full")
            #expect((reply.json["detail"] as? String)?.contains("read-only") == true)
            #expect(try await environment.database.writeGeneration() == generation)
            let notReady = try await client.send(.get, "/readyz")
            #expect(notReady.status == .serviceUnavailable)

            // when the database is writable again, readiness and writes come back without a restart
            try await Self.setReadOnly(environment.database, false)
            var ready = false
            for _ in 0..<50 where !ready {
                ready = try await client.send(.get, "/readyz").status == .ok
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready)
            let accepted = try await client.send(.post, "/v1/images", token: environment.ingest, body: body)
            #expect(accepted.status == .created, "\(accepted.text)")
        }
    }
}
