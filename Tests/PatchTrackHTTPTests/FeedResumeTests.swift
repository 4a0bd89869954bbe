import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackFeeds
@testable import PatchTrackHTTP
@testable import PatchTrackStorage

/// Counts the progress callbacks of a sync and stops it (cancels the task running it) after the `stopAfter`th: a
/// sync killed midway, at a point where a batch was committed.
final class SyncStopper: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    let stopAfter: Int

    init(stopAfter: Int) {
        self.stopAfter = stopAfter
    }

    func progress(_ progress: FeedProgress) {
        let stop = lock.withLock {
            calls += 1
            return calls == stopAfter
        }
        if stop { withUnsafeCurrentTask { $0?.cancel() } }
    }
}

@Suite("Advisory feeds: interrupted syncs and bad input")
struct FeedResumeTests {
    @Test("a first sync stopped after one committed batch resumes after it, importing nothing twice")
    func resumeArchive() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        let records = try FeedSyncTests.records().filter { ["Maven", "PyPI"].contains($0.ecosystem) }
        try await origin.publishOSV(records)
        let fetcher = try FeedSyncTests.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        try await origin.serve { base in
            _ = try await environment.database.feeds.put(
                FeedDefinition(name: "mirror", kind: .osv, url: "\(base)/osv", ecosystems: ["Maven", "PyPI"], intervalMinutes: 60, enabled: true))
            // given a sync importing one archive file per transaction, stopped after the first commit
            let stopper = SyncStopper(stopAfter: 1)
            var stopped = FeedSyncer(database: environment.database, fetcher: fetcher, progress: stopper.progress)
            stopped.archiveBatch = 1
            // In a task of its own: the stopper cancels the task running the sync.
            let run = Task { [stopped] in try await stopped.sync(named: "mirror") }
            let first = try #require(try await run.value)
            #expect(first.error?.contains("stopped") == true)
            #expect(first.counts.added == 1)
            let maven = try #require(try await environment.database.feeds.feed(named: "mirror")?.sources.first { $0.source == "Maven" })
            #expect(maven.zipEntriesDone == 1 && !maven.bootstrapped)

            // when it runs again
            var syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
            syncer.archiveBatch = 1
            let second = try #require(try await syncer.sync(named: "mirror"))

            // then it skips the file already imported (nothing "unchanged") and imports the rest
            #expect(second.error == nil)
            #expect(second.counts == FeedCounts(added: records.count - 1))
            #expect(await origin.count("/osv/Maven/all.zip") == 2)
            let sources = try #require(try await environment.database.feeds.feed(named: "mirror")?.sources)
            #expect(sources.allSatisfy { $0.bootstrapped && $0.highWater != nil })
        }
    }

    @Test("an incremental sync stopped after one committed record resumes at its high-water mark")
    func resumeIncremental() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        let records = try FeedSyncTests.records().filter { $0.ecosystem == "Maven" }
        try await origin.publishOSV(records)
        let fetcher = try FeedSyncTests.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        try await origin.serve { base in
            _ = try await environment.database.feeds.put(
                FeedDefinition(name: "mirror", kind: .osv, url: "\(base)/osv", ecosystems: ["Maven"], intervalMinutes: 60, enabled: true))
            var syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
            syncer.recordBatch = 1
            #expect(try await syncer.sync(named: "mirror")?.counts.added == records.count)

            // given both records changed, and a sync stopped after the first (older) one is committed
            let changed = try [records[0].modified("2026-12-02T00:00:00Z"), records[1].modified("2026-12-03T00:00:00Z")]
            try await origin.publishOSV(changed)
            await origin.resetCounts()
            var stopped = FeedSyncer(database: environment.database, fetcher: fetcher, progress: SyncStopper(stopAfter: 1).progress)
            stopped.recordBatch = 1
            let run = Task { [stopped] in try await stopped.sync(named: "mirror") }
            let first = try #require(try await run.value)
            #expect(first.error?.contains("stopped") == true)
            #expect(first.counts.updated == 1)
            let mark = try #require(try await environment.database.feeds.feed(named: "mirror")?.sources.first?.highWater)
            #expect(mark.id == changed[0].id)

            // when it runs again, only the second record is fetched
            let second = try #require(try await syncer.sync(named: "mirror"))
            #expect(second.error == nil)
            #expect(second.counts == FeedCounts(updated: 1))
            #expect(await origin.count("/osv/Maven/\(changed[0].id).json") == 1)
            #expect(await origin.count("/osv/Maven/\(changed[1].id).json") == 1)
        }
    }

    @Test("bad input is named in the status and the good records are imported")
    func badInput() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        let pypi = try FeedSyncTests.records().filter { $0.ecosystem == "PyPI" }
        try await origin.publishOSV(pypi)
        // Go's archive is truncated: the ecosystem fails, the others go on
        try await origin.publishOSV(try FeedSyncTests.records().filter { $0.ecosystem == "Go" })
        let goArchive = try #require(await origin.data("/osv/Go/all.zip"))
        await origin.put("/osv/Go/all.zip", goArchive.prefix(goArchive.count / 2))
        let fetcher = try FeedSyncTests.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        let syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
        try await origin.serve { base in
            try await environment.withClient { client in
                try await FeedSyncTests.putFeed(client, environment, "mirror", ["kind": "osv", "url": "\(base)/osv", "ecosystems": ["PyPI", "Go"], "enabled": true])
                let first = try #require(try await syncer.sync(named: "mirror"))
                #expect(first.counts.added == 1)
                #expect(first.error?.contains("Go") == true)

                // when the PyPI index lists a malformed line, a record the origin does not have, and an invalid one
                let good = try pypi[0].modified("2026-12-02T00:00:00Z")
                await origin.put("/osv/PyPI/\(good.id).json", good.data)
                await origin.put("/osv/PyPI/PYSEC-0000-1.json", Data(#"{"id": "PYSEC-0000-1", "summary": "no modified"}"#.utf8))
                let index = """
                    2026-12-03T00:00:00Z,PYSEC-0000-404
                    not a time,PYSEC-0000-2
                    2026-12-02T12:00:00Z,PYSEC-0000-1
                    2026-12-02T00:00:00Z,\(good.id)
                    \(pypi[0].modified),\(good.id)

                    """
                await origin.put("/osv/PyPI/modified_id.csv", Data(index.utf8))
                let second = try #require(try await syncer.sync(named: "mirror"))

                // then the good record is imported and each bad one is named with its reason
                #expect(second.counts.updated == 1)
                #expect(second.counts.rejected == 3)
                let status = try await client.send(.get, "/v1/feeds/mirror", token: environment.admin)
                let rejections = status.json["rejections"] as? [[String: Any]] ?? []
                let named = rejections.compactMap { $0["record"] as? String }
                #expect(named.contains { $0.contains("PYSEC-0000-404") })
                #expect(named.contains { $0.contains("line 2") })
                #expect(named.contains { $0.contains("PYSEC-0000-1") })
                #expect((status.json["last_error"] as? String)?.contains("Go") == true)
                #expect(status.json["errors_total"] as? Int == 2)
                let go = (status.json["ecosystem_status"] as? [[String: Any]])?.first { $0["ecosystem"] as? String == "Go" }
                #expect((go?["last_error"] as? String)?.contains("zip") == true)
            }
        }
    }

    @Test("feed configuration: validation, 404, 409 for a disabled feed, 202 for an enabled one, delete")
    func configuration() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            // a new database lists the three public feeds, disabled
            let list = try await client.send(.get, "/v1/feeds", token: environment.admin)
            let items = list.json["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["name"] as? String } == ["epss", "kev", "osv"])
            #expect(items.allSatisfy { $0["enabled"] as? Bool == false })
            #expect((items.last?["ecosystems"] as? [String])?.contains("Debian") == true)
            #expect(try await client.send(.get, "/v1/feeds", token: environment.read).status == .forbidden)

            for (body, field) in [
                (#"{"kind": "nvd", "url": "https://example.com"}"#, "kind"),
                (#"{"kind": "osv", "url": "ftp://example.com"}"#, "url"),
                (#"{"kind": "osv", "url": "https://user:pw@example.com"}"#, "url"),
                (#"{"kind": "osv", "url": "https://example.com", "interval_minutes": 0}"#, "interval_minutes"),
                (#"{"kind": "osv", "url": "https://example.com", "ecosystems": ["../etc"]}"#, "ecosystems"),
                (#"{"kind": "kev", "url": "https://example.com", "ecosystems": ["Debian"]}"#, "ecosystems"),
            ] {
                let reply = try await client.send(.put, "/v1/feeds/internal", token: environment.admin, body: body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.errorFields == [field], "\(body)")
            }
            #expect(try await client.send(.put, "/v1/feeds/Bad%20Name", token: environment.admin, body: #"{"kind": "kev", "url": "https://example.com"}"#).status == .badRequest)
            #expect(try await client.send(.get, "/v1/feeds/internal", token: environment.admin).status == .notFound)
            #expect(try await client.send(.post, "/v1/feeds/osv/sync", token: environment.admin).status == .conflict)

            let created = try await client.send(
                .put, "/v1/feeds/internal", token: environment.admin,
                body: #"{"kind": "osv", "url": "https://mirror.example.com/osv", "ecosystems": ["Debian"], "enabled": true}"#)
            #expect(created.status == .created)
            #expect(created.json["interval_minutes"] as? Int == 60)
            let replaced = try await client.send(
                .put, "/v1/feeds/internal", token: environment.admin,
                body: #"{"kind": "osv", "url": "https://mirror.example.com/osv", "ecosystems": ["Debian"], "enabled": true, "interval_minutes": 15}"#)
            #expect(replaced.status == .ok)
            #expect(replaced.json["interval_minutes"] as? Int == 15)
            let sync = try await client.send(.post, "/v1/feeds/internal/sync", token: environment.admin)
            #expect(sync.status == .accepted)
            #expect(try await environment.database.feeds.due().map(\.name) == ["internal"])
            #expect(try await client.send(.delete, "/v1/feeds/internal", token: environment.admin).status == .noContent)
            #expect(try await client.send(.delete, "/v1/feeds/internal", token: environment.admin).status == .notFound)
        }
    }
}
