import Foundation
import HTTPTypes
import Testing

@testable import PatchTrackHTTP

/// The whole patch loop over HTTP with an injected clock: advisory → scan → plan → build → canary rollout →
/// inventory at 25 % and 100 % → production → the finding closed with every stage time and its SLA verdict.
@Suite("Fleet: rollouts, exposure and time-to-patch")
struct FleetScenarioTests {
    static let repository = "registry.example.com/shop/checkout"
    static let vulnerable = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12"
    static let patched = "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&upstream=openssl&distro=debian-12"

    /// A simple workload inventory: `(workload, digest, replicas)` rows for container `app`.
    static func workloads(_ rows: [(String, String, Int)]) -> String {
        let items = rows.map { workload, digest, replicas in
            #"{"namespace":"shop","workload":"\#(workload)","container":"app","image":"\#(repository):latest","digest":"\#(digest)","replicas":\#(replicas)}"#
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    static func environments(_ client: Client, _ environment: TestEnvironment) async throws {
        let canary = try await client.send(
            .put, "/v1/environments/canary", token: environment.admin, body: #"{"stage":"canary","order":10,"description":"eu-west canary"}"#)
        #expect(canary.status == .created, "\(canary.text)")
        let production = try await client.send(.put, "/v1/environments/production", token: environment.admin, body: #"{"stage":"production","order":20}"#)
        #expect(production.status == .created)
    }

    @Test("advisory to fully rolled out: every stage time, the SLA verdict, status and progress along the way")
    func fullScenario() async throws {
        let clock = TestClock("2026-03-02T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            try await Self.environments(client, environment)
            // The advisory (published the day before) arrives with its fix at T0.
            let advisory = osvRecord(
                id: "TEST-DSA-7", modified: "2026-03-01T12:00:00Z", aliases: ["CVE-2099-0007"], ecosystem: "Debian:12", name: "openssl",
                fixed: "3.0.11-1", severity: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            let withPublished = advisory.replacingOccurrences(of: #""modified""#, with: #""published":"2026-03-01T00:00:00Z","modified""#)
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: withPublished).status == .created)

            // T0+1h: CI registers and scans the image: detected.
            clock.set("2026-03-02T01:00:00Z")
            try await client.register(Self.repository, tag: "latest", digest: digest("1"), token: environment.ingest)
            let scan = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: [Self.vulnerable]))
            #expect(scan.status == .created, "\(scan.text)")

            // T0+1h30: both environments run it.
            clock.set("2026-03-02T01:30:00Z")
            let canaryInventory = try await client.send(
                .post, "/v1/environments/canary/inventory", token: environment.ingest, body: Self.workloads([("checkout", digest("1"), 4)]))
            #expect(canaryInventory.status == .created, "\(canaryInventory.text)")
            #expect(canaryInventory.json["format"] as? String == "workload-list")
            #expect(canaryInventory.json["replicas"] as? Int == 4)
            let productionInventory = try await client.send(
                .post, "/v1/environments/production/inventory", token: environment.ingest,
                body: Self.workloads([("checkout", digest("1"), 8), ("cart", digest("9"), 2)]))
            #expect(productionInventory.json["new_images"] as? Int == 1, "an unknown digest is registered")

            // The plan and the dashboard see it.
            #expect(try await client.plan(token: environment.read).map(reasonCodes) == [["fixable_vulnerability"]])
            let before = try await client.send(.get, "/v1/status", token: environment.read)
            #expect(before.status == .ok, "\(before.text)")
            let beforeImages = try #require(before.json["images"] as? [String: Any])
            #expect(beforeImages["needing_rebuild"] as? Int == 1)
            #expect((beforeImages["rebuild_reasons"] as? [String: Int])?["fixable_vulnerability"] == 1)
            #expect(beforeImages["running"] as? Int == 2)
            let findings = try #require(before.json["findings"] as? [String: Any])
            #expect(findings["open"] as? Int == 1)
            #expect(((findings["by_severity"] as? [String: Any])?["critical"] as? [String: Int])?["fixable"] == 1)
            let exposure = try #require(before.json["environments"] as? [[String: Any]])
            #expect(exposure.map { $0["name"] as? String } == ["canary", "production"])
            #expect(exposure.map { $0["vulnerable_replicas"] as? Int } == [4, 8])
            #expect(exposure.map { $0["replicas"] as? Int } == [4, 10])
            let scrapeBefore = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(scrapeBefore.value("patchtrack_vulnerable_replicas", ["environment": "production", "severity": "critical"]) == 8)
            #expect(scrapeBefore.value("patchtrack_vulnerable_replicas", ["environment": "canary", "severity": "critical"]) == 4)
            #expect(scrapeBefore.value("patchtrack_open_findings", ["severity": "critical", "fixable": "true"]) == 1)
            #expect(scrapeBefore.value("patchtrack_images_needing_rebuild", ["reason": "fixable_vulnerability"]) == 1)

            // T0+5h: the rebuild succeeds; its scan shows the fix.
            clock.set("2026-03-02T05:00:00Z")
            let build = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.repository)","tag":"latest","status":"succeeded","digest":"\#(digest("2"))"}"#)
            #expect(build.status == .created, "\(build.text)")
            clock.set("2026-03-02T05:10:00Z")
            _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("2"), purls: [Self.patched]))

            // T0+6h: the canary rollout starts; the replaced digest comes from the inventory.
            clock.set("2026-03-02T06:00:00Z")
            let rollout = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"canary","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("2"))","steps":[25,50,100]}"#)
            #expect(rollout.status == .created, "\(rollout.text)")
            #expect(rollout.json["from_digests"] as? [String] == [digest("1")])
            #expect(rollout.json["state"] as? String == "progressing")
            let rolloutId = try #require(rollout.json["id"] as? Int)
            let again = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"canary","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("2"))"}"#)
            #expect(again.status == .ok)
            #expect(again.json["id"] as? Int == rolloutId, "the same rollout again is the active one")

            // T0+7h: a quarter of the canary runs the new digest.
            clock.set("2026-03-02T07:00:00Z")
            let quarter = try await client.send(
                .post, "/v1/environments/canary/inventory", token: environment.ingest,
                body: Self.workloads([("checkout", digest("1"), 3), ("checkout", digest("2"), 1)]))
            #expect((quarter.json["rollouts"] as? [[String: Any]])?.first?["observed_weight"] as? Int == 25)
            let active = try await client.send(.get, "/v1/rollouts?state=active", token: environment.read)
            let activeItems = try #require(active.json["items"] as? [[String: Any]])
            #expect(activeItems.map { $0["id"] as? Int } == [rolloutId])
            #expect(activeItems.first?["observed_weight"] as? Int == 25)

            // T0+8h: all of it: the rollout completes by itself, the canary is done.
            clock.set("2026-03-02T08:00:00Z")
            _ = try await client.send(
                .post, "/v1/environments/canary/inventory", token: environment.ingest, body: Self.workloads([("checkout", digest("2"), 4)]))
            let completed = try await client.send(.get, "/v1/rollouts/\(rolloutId)", token: environment.read)
            #expect(completed.json["state"] as? String == "completed")
            #expect(completed.json["finished_at"] as? String == "2026-03-02T08:00:00.000Z")
            let events = try #require(completed.json["events"] as? [[String: Any]])
            #expect(events.map { $0["source"] as? String } == ["report", "inventory", "inventory"])
            #expect(events.map { $0["weight"] as? Int } == [0, 25, 100])
            #expect((try await client.send(.get, "/v1/rollouts?state=active", token: environment.read).json["items"] as? [Any])?.isEmpty == true)

            let midway = try await client.send(.get, "/v1/advisories/CVE-2099-0007/progress", token: environment.read)
            #expect(midway.status == .ok, "\(midway.text)")
            let midwayEnvironments = try #require(midway.json["environments"] as? [[String: Any]])
            #expect(midwayEnvironments.map { $0["status"] as? String } == ["clear", "exposed"])
            #expect(midwayEnvironments.map { $0["vulnerable_replicas"] as? Int } == [0, 8])
            #expect(midwayEnvironments.map { $0["patched_replicas"] as? Int } == [4, 0])
            let midwaySummary = try #require(midway.json["summary"] as? [String: Any])
            #expect(midwaySummary["affected_images"] as? Int == 1)
            #expect(midwaySummary["rebuilt_images"] as? Int == 1)
            #expect(midwaySummary["rolled_out_images"] as? Int == 0)
            #expect(midwaySummary["stage"] as? String == "canary_complete")

            // T0+9h production rollout, promoted at T0+10h, all replicas on the new digest at T0+12h.
            clock.set("2026-03-02T09:00:00Z")
            let production = try await client.send(
                .post, "/v1/rollouts", token: environment.ingest,
                body: #"{"environment":"production","workload":"shop/checkout","repository":"\#(Self.repository)","to_digest":"\#(digest("2"))","from_digests":["\#(digest("1"))"]}"#)
            let productionId = try #require(production.json["id"] as? Int)
            clock.set("2026-03-02T10:00:00Z")
            let promoted = try await client.send(
                .post, "/v1/rollouts/\(productionId)/events", token: environment.ingest, body: #"{"status":"promoted","weight":50}"#)
            #expect(promoted.status == .created, "\(promoted.text)")
            #expect(promoted.json["weight"] as? Int == 50)
            #expect(promoted.json["promoted_at"] as? String == "2026-03-02T10:00:00.000Z")
            clock.set("2026-03-02T12:00:00Z")
            _ = try await client.send(
                .post, "/v1/environments/production/inventory", token: environment.ingest,
                body: Self.workloads([("checkout", digest("2"), 8), ("cart", digest("9"), 2)]))
            let late = try await client.send(
                .post, "/v1/rollouts/\(productionId)/events", token: environment.ingest, body: #"{"status":"paused"}"#)
            #expect(late.status == .conflict, "a completed rollout takes no more events")

            // Then: the finding is closed with every stage time, within its SLA.
            let vulnerable = try await client.send(.get, "/v1/images/\(digest("1"))/findings", token: environment.read)
            let findingId = try #require((vulnerable.json["items"] as? [[String: Any]])?.first?["id"] as? Int)
            let timeline = try await client.send(.get, "/v1/findings/\(findingId)/timeline", token: environment.read)
            #expect(timeline.status == .ok, "\(timeline.text)")
            let stages = try #require(timeline.json["stages"] as? [String: String])
            #expect(stages["advisory_published"] == "2026-03-01T00:00:00.000Z")
            #expect(stages["fix_available"] == "2026-03-02T00:00:00.000Z")
            #expect(stages["first_detected"] == "2026-03-02T01:00:00.000Z")
            #expect(stages["patched_digest_built"] == "2026-03-02T05:00:00.000Z")
            #expect(stages["first_rollout_started"] == "2026-03-02T06:00:00.000Z")
            #expect(stages["canary_complete"] == "2026-03-02T08:00:00.000Z")
            #expect(stages["fully_rolled_out"] == "2026-03-02T12:00:00.000Z")
            #expect(timeline.json["closed"] as? Bool == true)
            #expect(timeline.json["stage"] as? String == "fully_rolled_out")
            #expect(timeline.json["patched_digest"] as? String == digest("2"))
            #expect(timeline.json["time_to_patch_seconds"] as? Double == 39_600.0)
            let sla = try #require(timeline.json["sla"] as? [String: Any])
            #expect(sla["due"] as? String == "2026-03-04T01:00:00.000Z")
            #expect(sla["status"] as? String == "met")

            let after = try await client.send(.get, "/v1/status", token: environment.read)
            #expect((after.json["findings"] as? [String: Any])?["open"] as? Int == 0)
            #expect((after.json["environments"] as? [[String: Any]])?.map { $0["vulnerable_replicas"] as? Int } == [0, 0])
            let critical = try #require(
                ((after.json["time_to_patch"] as? [String: Any])?["by_severity"] as? [String: Any])?["critical"] as? [String: Any])
            #expect(critical["closed"] as? Int == 1)
            #expect(critical["median_seconds"] as? Double == 39_600.0)
            #expect(critical["p90_seconds"] as? Double == 39_600.0)
            #expect((after.json["rollouts"] as? [String: Any])?["active"] as? Int == 0)
            let done = try await client.send(.get, "/v1/advisories/CVE-2099-0007/progress", token: environment.read)
            let summary = try #require(done.json["summary"] as? [String: Any])
            #expect(summary["rolled_out_images"] as? Int == 1)
            #expect(summary["open_findings"] as? Int == 0)
            #expect(summary["stage"] as? String == "fully_rolled_out")
            #expect((done.json["stages"] as? [String: String])?["fully_rolled_out"] == "2026-03-02T12:00:00.000Z")

            // The scrape shows the same fleet: nothing vulnerable runs; one critical finding patched in 11 hours.
            let scrape = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(scrape.samples(named: "patchtrack_vulnerable_replicas").isEmpty)
            #expect(scrape.value("patchtrack_open_findings", ["severity": "critical", "fixable": "true"]) == 0)
            #expect(scrape.value("patchtrack_sla_breaches", ["severity": "critical"]) == 0)
            #expect(scrape.value("patchtrack_ingested_total", ["kind": "inventory", "format": "workload-list"]) == 5)
            let patchTime = try #require(scrape.histogram("patchtrack_time_to_patch_seconds", ["severity": "critical"]))
            #expect(patchTime.count == 1)
            #expect(patchTime.sum == 39_600)
            #expect(patchTime.buckets.first { $0.bound == 21_600 }?.count == 0, "11 h is above the 6 h bucket")
            #expect(patchTime.buckets.first { $0.bound == 86_400 }?.count == 1)

            // A month later the closing leaves the status's 30-day window but stays in the metrics histogram.
            clock.set("2026-04-05T00:00:00Z")
            let later = try await client.send(.get, "/v1/status", token: environment.read)
            let laterCritical = ((later.json["time_to_patch"] as? [String: Any])?["by_severity"] as? [String: Any])?["critical"] as? [String: Any]
            #expect(laterCritical?["closed"] as? Int == 0)
            #expect(laterCritical?["median_seconds"] == nil)
            let laterScrape = try PrometheusText(parsing: try await client.send(.get, "/metrics").text)
            #expect(laterScrape.histogram("patchtrack_time_to_patch_seconds", ["severity": "critical"])?.count == 1)

            // Exposure over time: production had 8 vulnerable replicas until the last snapshot.
            let history = try await client.send(.get, "/v1/advisories/CVE-2099-0007/exposure", token: environment.read)
            let points = try #require(history.json["items"] as? [[String: Any]])
            #expect(points.map { "\($0["environment"] as? String ?? "") \($0["replicas"] as? Int ?? -1)" } == [
                "canary 4", "canary 3", "canary 0", "production 8", "production 0",
            ])
        }
    }

    @Test("an open finding past its due time is a breach; one due within a day is listed as due soon")
    func breaches() async throws {
        let clock = TestClock("2026-03-02T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            try await client.register(Self.repository, tag: "latest", digest: digest("1"), token: environment.ingest)
            _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: [Self.vulnerable]))
            let critical = osvRecord(
                id: "TEST-DSA-8", aliases: ["CVE-2099-0008"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1",
                severity: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: critical).status == .created)
            clock.set("2026-03-04T12:00:00Z")
            let high = osvRecord(
                id: "TEST-DSA-9", aliases: ["CVE-2099-0009"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1",
                severity: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            #expect(try await client.send(.post, "/v1/advisories", token: environment.ingest, body: high).status == .created)

            // Critical (2 days) detected T0 is overdue by 12 h at T0+2d12h; high (7 days) detected then is on track.
            let list = try await client.send(.get, "/v1/sla/breaches", token: environment.read)
            #expect(list.status == .ok, "\(list.text)")
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.map { $0["vulnerability_id"] as? String } == ["CVE-2099-0008"])
            let sla = try #require(items.first?["sla"] as? [String: Any])
            #expect(sla["status"] as? String == "breached")
            #expect(sla["overdue_seconds"] as? Double == 43_200.0, "\(list.text)")
            #expect((try await client.send(.get, "/v1/status", token: environment.read).json["sla"] as? [String: Any])?["breached"] as? Int == 1)

            // Six days and a half later the high one is due within 24 h.
            clock.set("2026-03-10T13:00:00Z")
            let soon = try await client.send(.get, "/v1/sla/breaches?status=due_soon", token: environment.read)
            #expect((soon.json["items"] as? [[String: Any]])?.map { $0["vulnerability_id"] as? String } == ["CVE-2099-0009"])
            let csv = try await client.send(.get, "/v1/sla/breaches", token: environment.read, headers: [.accept: "text/csv"])
            #expect(csv.text.split(whereSeparator: \.isNewline).count == 3)
            #expect(csv.text.hasPrefix("finding_id,vulnerability_id,severity"))
            let status = try await client.send(.get, "/v1/status", token: environment.read)
            let slaStatus = try #require(status.json["sla"] as? [String: Any])
            #expect(slaStatus["breached"] as? Int == 1)
            #expect(slaStatus["due_within_24h"] as? Int == 1)
            #expect((slaStatus["due_within_24h_by_severity"] as? [String: Int])?["high"] == 1)

            // A VEX statement that the image is not affected by the critical one takes it out of every count.
            let vex = """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/8", "author": "test",
                 "timestamp": "2026-03-10T13:00:00Z", "version": 1,
                 "statements": [{"vulnerability": {"name": "CVE-2099-0008"},
                   "products": [{"@id": "pkg:oci/checkout@\(digest("1").replacingOccurrences(of: ":", with: "%3A"))"}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
                """
            #expect(try await client.send(.post, "/v1/vex", token: environment.ingest, body: vex).status == .created)
            let suppressed = try await client.send(.get, "/v1/status", token: environment.read)
            let suppressedSLA = try #require(suppressed.json["sla"] as? [String: Any])
            #expect(suppressedSLA["breached"] as? Int == 0)
            #expect(suppressedSLA["due_within_24h"] as? Int == 1)
            #expect((suppressed.json["findings"] as? [String: Any])?["open"] as? Int == 1)
            let remaining = try await client.send(.get, "/v1/sla/breaches", token: environment.read)
            #expect((remaining.json["items"] as? [[String: Any]])?.map { $0["vulnerability_id"] as? String } == ["CVE-2099-0009"])
        }
    }

    @Test("right after a write /v1/status answers the last rebuild plan, says when it was computed, and catches up")
    func statusCatchesUpWithThePlan() async throws {
        let clock = TestClock("2026-03-02T00:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            try await client.register(Self.repository, tag: "latest", digest: digest("1"), token: environment.ingest)
            _ = try await client.send(.post, "/v1/scans", token: environment.ingest, body: cycloneDX(image: digest("1"), purls: [Self.vulnerable]))
            let advisory = osvRecord(
                id: "TEST-DSA-5", aliases: ["CVE-2099-0005"], ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1",
                severity: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            _ = try await client.send(.post, "/v1/advisories", token: environment.ingest, body: advisory)
            let first = try await client.send(.get, "/v1/status", token: environment.read)
            let images = try #require(first.json["images"] as? [String: Any])
            #expect(images["needing_rebuild"] as? Int == 1, "the first plan is computed in the request")
            #expect(images["rebuilds_computed_at"] as? String == "2026-03-02T00:00:00.000Z")

            clock.set("2026-03-02T01:00:00Z")
            let build = try await client.send(
                .post, "/v1/builds", token: environment.ingest,
                body: #"{"repository":"\#(Self.repository)","tag":"latest","status":"succeeded","digest":"\#(digest("2"))"}"#)
            #expect(build.status == .created)
            var caughtUp: [String: Any] = [:]
            for _ in 0..<200 {
                let reply = try await client.send(.get, "/v1/status", token: environment.read)
                caughtUp = (reply.json["images"] as? [String: Any]) ?? [:]
                if caughtUp["rebuilds_computed_at"] as? String == "2026-03-02T01:00:00.000Z" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(caughtUp["rebuilds_computed_at"] as? String == "2026-03-02T01:00:00.000Z")
            #expect(caughtUp["needing_rebuild"] as? Int == 0, "the superseded image left the plan")
        }
    }
}
