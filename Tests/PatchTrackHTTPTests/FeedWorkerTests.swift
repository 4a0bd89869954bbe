import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackFeeds
@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Advisory feeds: the background job and failing origins")
struct FeedWorkerTests {
    @Test("the background job syncs an enabled feed when due, not again before its interval, and at once when asked")
    func worker() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        await origin.put("/kev.json", try feedFixture("known_exploited_vulnerabilities.json"))
        let fetcher = try FeedSyncTests.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        let worker = FeedWorker(syncer: FeedSyncer(database: environment.database, fetcher: fetcher))
        try await origin.serve { base in
            try await environment.withClient { client in
                // nothing is enabled in a new database: the job fetches nothing
                #expect(try await worker.runDue() == "")
                try await FeedSyncTests.putFeed(client, environment, "cisa", ["kind": "kev", "url": "\(base)/kev.json", "enabled": true])

                // enabled: due at once
                #expect(try await worker.runDue().hasPrefix("cisa: added"))
                #expect(try await worker.runDue() == "")
                let feed = try await client.send(.get, "/v1/feeds/cisa", token: environment.admin)
                let lastAttempt = try #require((feed.json["last_attempt"] as? String).flatMap(Timestamp.parse))
                let nextRun = try #require((feed.json["next_run"] as? String).flatMap(Timestamp.parse))
                #expect(abs(nextRun.timeIntervalSince(lastAttempt) - 360 * 60) < 1)

                // asked to sync: due again, and the unchanged catalogue answers 304
                #expect(try await client.send(.post, "/v1/feeds/cisa/sync", token: environment.admin).status == .accepted)
                #expect(try await worker.runDue() == "cisa: added 0, updated 0, unchanged 0, rejected 0")
                #expect(await origin.count("/kev.json") == 2)
            }
        }
    }

    @Test("a document over the size limit, a redirect and a missing document fail the sync, named; the last good data stays")
    func failures() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        await origin.put("/kev.json", try feedFixture("known_exploited_vulnerabilities.json"))
        let fetcher = try FeedSyncTests.fetcher()
        var small = FeedFetchSettings()
        small.maxDocumentBytes = 10_000
        small.attempts = 1
        let smallFetcher = try FeedFetcher(settings: small)
        defer { Task { try? await fetcher.shutdown(); try? await smallFetcher.shutdown() } }
        try await origin.serve { base in
            let feeds = environment.database.feeds
            _ = try await feeds.put(FeedDefinition(name: "cisa", kind: .kev, url: "\(base)/kev.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
            let good = try #require(try await FeedSyncer(database: environment.database, fetcher: fetcher).sync(named: "cisa"))
            #expect(good.error == nil)
            let stored = try #require(try await feeds.feed(named: "cisa")?.records)
            #expect(stored > 1_000)

            // over the size limit (a new version, so the conditional request gets a 200)
            await origin.put("/kev.json", try feedFixture("known_exploited_vulnerabilities.json"))
            let large = try #require(try await FeedSyncer(database: environment.database, fetcher: smallFetcher).sync(named: "cisa"))
            #expect(large.error?.contains("larger than the limit of 10000 bytes") == true)

            // a redirect is not followed
            await origin.redirect("/moved.json", to: "\(base)/kev.json")
            _ = try await feeds.put(FeedDefinition(name: "cisa", kind: .kev, url: "\(base)/moved.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
            let moved = try #require(try await FeedSyncer(database: environment.database, fetcher: fetcher).sync(named: "cisa"))
            #expect(moved.error?.contains("follow no redirects") == true)
            #expect(await origin.count("/kev.json") == 2)

            // a missing document
            _ = try await feeds.put(FeedDefinition(name: "cisa", kind: .kev, url: "\(base)/gone.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
            let missing = try #require(try await FeedSyncer(database: environment.database, fetcher: fetcher).sync(named: "cisa"))
            #expect(missing.error?.contains("HTTP 404") == true)

            // the catalogue stored first is still there; the failures are counted
            let feed = try #require(try await feeds.feed(named: "cisa"))
            #expect(feed.records == stored)
            #expect(feed.errorsTotal == 3)
            #expect(feed.lastError?.contains("HTTP 404") == true)
            #expect(try await feeds.signalRows(feed: "cisa", kind: .kev) == stored)
        }
    }

    @Test("a 503 is retried with backoff and then succeeds; an origin that hangs is cut by the read timeout and reported")
    func retriesAndTimeouts() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        await origin.put("/kev.json", try feedFixture("known_exploited_vulnerabilities.json"))
        await origin.fail("/kev.json", times: 2)
        var settings = FeedFetchSettings()
        settings.attempts = 3
        settings.backoff = .milliseconds(10)
        let fetcher = try FeedFetcher(settings: settings)
        // A short read timeout only where the origin stalls: a loaded machine can be slower than it for a real answer.
        settings.readTimeout = .seconds(2)
        let impatient = try FeedFetcher(settings: settings)
        defer { Task { try? await fetcher.shutdown(); try? await impatient.shutdown() } }
        let syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
        try await origin.serve { base in
            _ = try await environment.database.feeds.put(
                FeedDefinition(name: "cisa", kind: .kev, url: "\(base)/kev.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
            // two 503s, then the catalogue: three requests, one sync that succeeds
            let retried = try #require(try await syncer.sync(named: "cisa"))
            #expect(retried.error == nil)
            #expect(retried.counts.added > 1_000)
            #expect(await origin.count("/kev.json") == 3)

            // an origin that answers after 20 s: each of the 3 attempts is cut after the 2 s read timeout, so the
            // sync fails well before the origin would have answered
            await origin.put("/slow.json", Data("{}".utf8))
            await origin.stall("/slow.json", for: .seconds(20))
            _ = try await environment.database.feeds.put(
                FeedDefinition(name: "cisa", kind: .kev, url: "\(base)/slow.json", ecosystems: nil, intervalMinutes: 60, enabled: true))
            let started = ContinuousClock.now
            let hung = try #require(try await FeedSyncer(database: environment.database, fetcher: impatient).sync(named: "cisa"))
            #expect(ContinuousClock.now - started < .seconds(16))
            #expect(hung.error?.contains("slow.json") == true)
        }
    }
}
