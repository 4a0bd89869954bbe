import Foundation
import Testing

@testable import PatchTrackFeeds
@testable import PatchTrackHTTP
@testable import PatchTrackStorage

/// Feed syncs against a local origin serving real records (an OSV export layout built from the fixtures, CISA's KEV
/// catalogue, an excerpt of FIRST's EPSS file), checked through the API and the origin's request counts.
@Suite("Advisory feeds")
struct FeedSyncTests {
    static let ecosystems = ["Alpine", "Debian", "Go", "Maven", "PyPI"]

    static func records() throws -> [OSVExportRecord] {
        [
            try OSVExportRecord("Maven", "ghsa/GHSA-jfh8-c2jp-5v3q.json"), try OSVExportRecord("Maven", "ghsa/GHSA-77rv-6vfw-x4gc.json"),
            try OSVExportRecord("PyPI", "pypi/PYSEC-2018-27.json"), try OSVExportRecord("Debian", "debian/DSA-5474-1.json"),
            try OSVExportRecord("Go", "go/GO-2022-0969.json"), try OSVExportRecord("Alpine", "alpine/CVE-2022-27449.alpine.json"),
        ]
    }

    /// An image with log4j-core 2.14.1 (CVE-2021-44228) and qutebrowser 1.4.0 (PYSEC-2018-27).
    static let image = digest("f")
    static let purls = ["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "pkg:pypi/qutebrowser@1.4.0"]

    static func fetcher() throws -> FeedFetcher {
        var settings = FeedFetchSettings()
        settings.attempts = 2
        settings.backoff = .milliseconds(10)
        return try FeedFetcher(settings: settings)
    }

    static func putFeed(_ client: Client, _ environment: TestEnvironment, _ name: String, _ body: [String: Any]) async throws {
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let reply = try await client.send(.put, "/v1/feeds/\(name)", token: environment.admin, body: text)
        #expect(reply.status == .created, "\(reply.text)")
    }

    static func findings(_ client: Client, _ environment: TestEnvironment, _ query: String) async throws -> [[String: Any]] {
        let reply = try await client.send(.get, "/v1/findings?\(query)", token: environment.read)
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.json["items"] as? [[String: Any]] ?? []
    }

    @Test("the first sync imports every record; the next fetches exactly the changed ones; an unchanged index answers 304")
    func incremental() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        let records = try Self.records()
        try await origin.publishOSV(records)
        let fetcher = try Self.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        let syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
        try await origin.serve { base in
            try await environment.withClient { client in
                // given an image scanned before any advisory is known, and an OSV feed enabled by an admin
                let scan = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: Self.image, purls: Self.purls))
                #expect(scan.status == .created)
                try await Self.putFeed(client, environment, "mirror", ["kind": "osv", "url": "\(base)/osv", "ecosystems": Self.ecosystems, "enabled": true])
                #expect(try await Self.findings(client, environment, "image=\(Self.image)").isEmpty)

                // when it syncs, with nobody posting anything
                let first = try #require(try await syncer.sync(named: "mirror"))

                // then every record is imported from the archives, none fetched one by one, and findings appear
                #expect(first.error == nil)
                #expect(first.counts == FeedCounts(added: records.count))
                #expect(await origin.count(endingWith: "/all.zip") == Self.ecosystems.count)
                #expect(await origin.count(endingWith: ".json") == 0)
                let log4j = try await Self.findings(client, environment, "vulnerability=CVE-2021-44228")
                #expect(log4j.map { $0["advisory"] as? String } == ["GHSA-jfh8-c2jp-5v3q"])

                // when three records change (a newer modified) in three ecosystems
                let changed = ["GHSA-77rv-6vfw-x4gc", "PYSEC-2018-27", "GO-2022-0969"]
                let updated = try records.map { changed.contains($0.id) ? try $0.modified("2026-12-01T10:00:0\(changed.firstIndex(of: $0.id)!)Z") : $0 }
                try await origin.publishOSV(updated.filter { ["Maven", "PyPI", "Go"].contains($0.ecosystem) })
                await origin.resetCounts()
                let second = try #require(try await syncer.sync(named: "mirror"))

                // then exactly those three are fetched, the unchanged ecosystems' indexes answered 304, no archive
                #expect(second.error == nil)
                #expect(second.counts == FeedCounts(updated: 3))
                #expect(await origin.count(endingWith: ".json") == 3)
                for record in updated where changed.contains(record.id) {
                    #expect(await origin.count("/osv/\(record.ecosystem)/\(record.id).json") == 1)
                }
                #expect(await origin.count(endingWith: "/all.zip") == 0)
                #expect(await origin.count(endingWith: "/modified_id.csv") == Self.ecosystems.count)

                // when nothing changed: every index answers 304 and nothing is imported
                await origin.resetCounts()
                let third = try #require(try await syncer.sync(named: "mirror"))
                #expect(third.error == nil)
                #expect(third.counts == FeedCounts())
                #expect(await origin.count(endingWith: ".json") == 0)

                // and the status shows each ecosystem current, with its high-water mark
                let status = try await client.send(.get, "/v1/feeds/mirror", token: environment.admin)
                let perEcosystem = status.json["ecosystem_status"] as? [[String: Any]] ?? []
                #expect(perEcosystem.count == Self.ecosystems.count)
                #expect(perEcosystem.allSatisfy { $0["bootstrapped"] as? Bool == true && $0["last_error"] == nil && $0["stale"] as? Bool == false })
                let go = perEcosystem.first { $0["ecosystem"] as? String == "Go" }?["high_water"] as? [String: Any]
                #expect(go?["id"] as? String == "GO-2022-0969")
                #expect(go?["modified"] as? String == "2026-12-01T10:00:02Z")
                #expect(status.json["last_success"] as? String != nil)
            }
        }
    }

    @Test("KEV and EPSS reach findings through their vulnerability; the lists filter by them; an unchanged file answers 304")
    func exploitSignals() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let origin = FeedOrigin()
        try await origin.publishOSV(try Self.records().filter { ["Maven", "PyPI"].contains($0.ecosystem) })
        let catalogue = try feedFixture("known_exploited_vulnerabilities.json")
        await origin.put("/kev.json", catalogue)
        await origin.put("/epss.csv.gz", try feedFixture("epss_scores-excerpt.csv.gz"))
        let fetcher = try Self.fetcher()
        defer { Task { try? await fetcher.shutdown() } }
        let syncer = FeedSyncer(database: environment.database, fetcher: fetcher)
        try await origin.serve { base in
            try await environment.withClient { client in
                _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: Self.image, purls: Self.purls))
                // tagged, so that the image is in the rebuild plan
                let tagged = try await client.send(
                    .post, "/v1/images", token: environment.ingest, body: #"{"reference":"registry.example.com/test/app:1@\#(Self.image)"}"#)
                #expect(tagged.status == .created || tagged.status == .ok)
                try await Self.putFeed(client, environment, "mirror", ["kind": "osv", "url": "\(base)/osv", "ecosystems": ["Maven", "PyPI"], "enabled": true])
                try await Self.putFeed(client, environment, "cisa", ["kind": "kev", "url": "\(base)/kev.json", "enabled": true])
                try await Self.putFeed(client, environment, "first", ["kind": "epss", "url": "\(base)/epss.csv.gz", "enabled": true])
                for name in ["mirror", "cisa", "first"] {
                    let report = try #require(try await syncer.sync(named: name))
                    #expect(report.error == nil, "\(name): \(report.error ?? "")")
                }
                let listed = try #require(try JSONSerialization.jsonObject(with: catalogue) as? [String: Any])
                let stored = try await environment.database.feeds.feed(named: "cisa")
                #expect(stored?.records == (listed["vulnerabilities"] as? [Any])?.count)
                #expect(try await environment.database.feeds.feed(named: "first")?.records == 19)

                // then the log4j finding carries its KEV listing and EPSS score, the qutebrowser one neither
                let all = try await Self.findings(client, environment, "image=\(Self.image)")
                let log4j = try #require(all.first { $0["vulnerability_id"] as? String == "CVE-2021-44228" })
                let kev = try #require(log4j["kev"] as? [String: Any])
                #expect(kev["date_added"] as? String == "2021-12-10")
                #expect(kev["due_date"] as? String == "2021-12-24")
                #expect(kev["ransomware"] as? Bool == true)
                let epss = try #require(log4j["epss"] as? [String: Any])
                #expect(epss["score"] as? Double == 0.99999)
                #expect(epss["percentile"] as? Double == 1.0)
                #expect(epss["date"] as? String == "2026-09-29")
                let others = all.filter { $0["vulnerability_id"] as? String != "CVE-2021-44228" }
                #expect(!others.isEmpty)
                #expect(others.allSatisfy { $0["kev"] is NSNull && $0["epss"] is NSNull })

                // and the rebuild plan lists them per entry
                let plan = try await client.send(.get, "/v1/rebuilds/plan", token: environment.read)
                let entry = (plan.json["items"] as? [[String: Any]])?.first { $0["digest"] as? String == Self.image }
                #expect(entry?["kev"] as? Bool == true)
                #expect(entry?["max_epss"] as? Double == 0.99999)

                // and the lists filter by them
                let onKEV = try await Self.findings(client, environment, "kev=true")
                #expect(onKEV.map { $0["vulnerability_id"] as? String } == ["CVE-2021-44228"])
                let offKEV = try await Self.findings(client, environment, "kev=false")
                #expect(offKEV.count == others.count)
                #expect(try await Self.findings(client, environment, "min_epss=0.5").count == 1)
                #expect(try await Self.findings(client, environment, "min_epss=0.99999").count == 1)
                let bad = try await client.send(.get, "/v1/findings?min_epss=2", token: environment.read)
                #expect(bad.status == .badRequest)

                // when the catalogue has not changed, the next sync is a 304 that writes nothing
                await origin.resetCounts()
                let again = try #require(try await syncer.sync(named: "cisa"))
                #expect(again.counts == FeedCounts())
                #expect(await origin.count("/kev.json") == 1)

                // and a KEV finding is due by the catalogue's due date (2021-12-24): breached at once, though a critical
                // finding detected today has two days
                let breaches = try await client.send(.get, "/v1/sla/breaches", token: environment.read)
                let breached = breaches.json["items"] as? [[String: Any]] ?? []
                #expect(breached.map { $0["vulnerability_id"] as? String } == ["CVE-2021-44228"])
                let header = try await client.send(.get, "/v1/status", token: environment.read)
                #expect((header.json["sla"] as? [String: Any])?["breached"] as? Int == 1)
                let policy = try await client.send(.get, "/v1/policy", token: environment.admin)
                #expect(policy.json["kev_sla_days"] as? Int == 14)
                let changed = try await client.send(.put, "/v1/policy", token: environment.admin, body: #"{"kev_sla_days": 3}"#)
                #expect(changed.json["kev_sla_days"] as? Int == 3)

                // and /metrics and /v1/status carry each feed's freshness
                let metrics = try await client.send(.get, "/metrics")
                #expect(metrics.text.contains("patchtrack_feed_records{feed=\"first\"} 19.0"))
                #expect(metrics.text.contains("patchtrack_feed_last_success_timestamp_seconds{feed=\"cisa\"}"))
                #expect(metrics.text.contains("patchtrack_feed_errors_total{feed=\"cisa\"} 0"))
                let status = try await client.send(.get, "/v1/status", token: environment.read)
                let feeds = status.json["feeds"] as? [[String: Any]] ?? []
                #expect(feeds.first { $0["name"] as? String == "cisa" }?["stale"] as? Bool == false)
                #expect(feeds.first { $0["name"] as? String == "kev" }?["enabled"] as? Bool == false)
            }
        }
    }
}
