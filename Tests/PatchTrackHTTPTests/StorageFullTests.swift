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
}
