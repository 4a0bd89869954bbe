import Foundation
import Testing

@testable import PatchTrackCore

@Suite("Notifications: address ranges, target URLs, filters, selections, backoff, health, coalescing")
struct NotificationRulesTests {
    @Test("addresses are classified by range, IPv4-mapped and NAT64 IPv6 as the IPv4 they carry", arguments: [
        ("8.8.8.8", "public"), ("93.184.215.14", "public"), ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"),
        ("10.0.0.1", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("172.32.0.1", "public"),
        ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("100.64.0.1", "shared"), ("100.128.0.1", "public"),
        ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("255.255.255.255", "reserved"), ("192.0.2.1", "reserved"),
        ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fd12:3456::1", "private"), ("fc00::1", "private"),
        ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:8.8.8.8", "public"), ("64:ff9b::a00:1", "private"),
        ("2001:db8::1", "reserved"), ("2606:4700:4700::1111", "public"),
    ])
    func addressKinds(text: String, kind: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.kind == kind)
        #expect(address.isPublic == (kind == "public"))
    }

    @Test("malformed addresses do not parse", arguments: ["1.2.3", "1.2.3.256", "01.2.3.4a", "1::2::3", "12345::1", "example.com", ""])
    func malformedAddresses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("target URLs: scheme, host and credentials checked; private hosts only when allowed")
    func targets() throws {
        #expect(throws: WebhookTarget.Refusal.self) { try WebhookTarget.validate("ftp://example.com/x", allowPrivate: true) }
        #expect(throws: WebhookTarget.Refusal.self) { try WebhookTarget.validate("https://a:b@example.com/x", allowPrivate: true) }
        #expect(throws: WebhookTarget.Refusal.self) { try WebhookTarget.validate("https:///x", allowPrivate: true) }
        for url in ["http://127.0.0.1/", "http://LOCALHOST./x", "http://api.localhost/x", "http://[::1]:8080/", "http://10.0.0.8/"] {
            #expect(throws: WebhookTarget.Refusal.self, "\(url)") { try WebhookTarget.validate(url, allowPrivate: false) }
            #expect(try WebhookTarget.validate(url, allowPrivate: true).absoluteString == url)
        }
        #expect(try WebhookTarget.validate("https://hooks.slack.com/services/T/B/X", allowPrivate: false).host == "hooks.slack.com")
    }

    @Test("a filter lets through what matches on each dimension the event has")
    func filters() {
        let filter = WebhookFilter(minSeverity: .high, environments: ["prod"], repositories: ["ghcr.io/acme/**", "docker.io/library/nginx"])
        let image = EventFacets(severity: .critical, environments: ["prod", "staging"], repositories: ["ghcr.io/acme/team/api"])
        #expect(filter.accepts(image))
        #expect(!filter.accepts(EventFacets(severity: .medium, environments: ["prod"], repositories: ["docker.io/library/nginx"])))
        #expect(!filter.accepts(EventFacets(severity: .high, environments: [], repositories: ["docker.io/library/nginx"])))
        #expect(!filter.accepts(EventFacets(severity: .high, environments: ["prod"], repositories: ["ghcr.io/other/api"])))
        // A feed failure has none of the dimensions.
        #expect(filter.accepts(EventFacets()))
        #expect(WebhookFilter().accepts(image))
    }

    @Test("event selections: omitted or * is every type; unknown names are refused")
    func selections() throws {
        #expect(try EventSelection(names: nil) == .all)
        #expect(try EventSelection(names: ["*"]).names == ["*"])
        let some = try EventSelection(names: ["sla.breached", "finding.opened"])
        #expect(some.names == ["finding.opened", "sla.breached"])
        #expect(some.contains(.slaBreached) && !some.contains(.ping))
        #expect(throws: EventSelection.InvalidEventNames.self) { try EventSelection(names: ["finding.created"]) }
        #expect(throws: EventSelection.InvalidEventNames.self) { try EventSelection(names: ["*", "ping"]) }
    }

    @Test("backoff: first retry within 30 s, growing, ten attempts over about a day, jitter within ±20 %")
    func schedule() throws {
        let delays = (1..<DeliverySchedule.maximumAttempts).compactMap { DeliverySchedule.delay(afterAttempt: $0, jitter: 0) }
        #expect(delays.count == 9)
        #expect(delays[0] <= 30)
        #expect(delays == delays.sorted())
        let total = delays.reduce(0, +)
        #expect(total > 12 * 3600 && total < 24 * 3600)
        #expect(DeliverySchedule.delay(afterAttempt: DeliverySchedule.maximumAttempts, jitter: 0) == nil)
        #expect(DeliverySchedule.delay(afterAttempt: 2, jitter: 1) == 36)
        #expect(DeliverySchedule.delay(afterAttempt: 2, jitter: -5) == 24)
    }

    @Test("health: failing after three failures in a row, disabled when a delivery runs out of attempts while failing")
    func health() {
        #expect(WebhookHealth.after(consecutiveFailures: 0, exhausted: true) == .active)
        #expect(WebhookHealth.after(consecutiveFailures: 2, exhausted: false) == .active)
        #expect(WebhookHealth.after(consecutiveFailures: 3, exhausted: false) == .failing)
        // A redelivered event that fails at once does not disable a subscription that was working.
        #expect(WebhookHealth.after(consecutiveFailures: 4, exhausted: true) == .failing)
        #expect(WebhookHealth.after(consecutiveFailures: 10, exhausted: true) == .disabled)
    }

    @Test("a batch makes one event per (type, image), findings highest severity first, capped and counted")
    func coalescing() throws {
        var batch = EventBatch()
        for index in 0..<(EventBatch.maximumItems + 20) {
            let severity = index == 57 ? "critical" : "low"
            batch.add(.findingOpened, imageId: 1, finding: EventFinding(
                findingId: Int64(index), vulnerability: "CVE-2026-\(1000 + index)", severity: severity, package: "p\(index)",
                installedVersion: "1", fixedVersion: "2"))
        }
        batch.add(.findingOpened, imageId: 2, finding: EventFinding(
            findingId: 999, vulnerability: "CVE-2026-9", severity: "medium", package: "q", installedVersion: "1", fixedVersion: nil))
        batch.add(.advisoryHitsRunning, imageId: 2, finding: EventFinding(
            findingId: 999, vulnerability: "CVE-2026-9", severity: "medium", package: "q", installedVersion: "1", fixedVersion: nil))
        #expect(batch.imageIds == [1, 2])
        let images: [Int64: EventImage] = [
            1: EventImage(digest: "sha256:" + String(repeating: "1", count: 64), repository: "ghcr.io/acme/api", tags: ["1"]),
            2: EventImage(digest: "sha256:" + String(repeating: "2", count: 64), repository: "ghcr.io/acme/web", tags: []),
        ]
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        // Image 2 runs nowhere: no advisory.hits_running for it.
        let quiet = try batch.events(images: images, running: [:], at: now)
        #expect(quiet.map(\.type) == [.findingOpened, .findingOpened])
        let first = try JSONSerialization.jsonObject(with: quiet[0].body) as? [String: Any]
        let data = try #require(first?["data"] as? [String: Any])
        #expect(data["finding_count"] as? Int == EventBatch.maximumItems + 20)
        #expect(data["truncated"] as? Bool == true)
        #expect((data["findings"] as? [[String: Any]])?.count == EventBatch.maximumItems)
        #expect((data["findings"] as? [[String: Any]])?.first?["vulnerability"] as? String == "CVE-2026-1057")
        #expect(first?["type"] as? String == "finding.opened")
        #expect(first?["occurred_at"] as? String == "2027-01-15T08:00:00.000Z")
        #expect(quiet[0].facets == EventFacets(severity: .critical, environments: [], repositories: ["ghcr.io/acme/api"]))

        let running = try batch.events(
            images: images, running: [2: [RunningPlace(environment: "prod", workloads: ["shop/web"], replicas: 4)]], at: now)
        #expect(running.map(\.type) == [.findingOpened, .findingOpened, .advisoryHitsRunning])
        #expect(running[2].facets.environments == ["prod"])
        #expect(Set(running.map(\.id)).count == 3)
    }

    @Test("rebuild notices: entered or changed entries are announced, unchanged ones not, order of reasons ignored")
    func rebuildNotices() throws {
        // Two images far older than the default maximum age: both are in the plan.
        let plan = try PlanningSamples.plan([
            try PlanningSamples.image("one", createdDaysAgo: 4000), try PlanningSamples.image("two", createdDaysAgo: 4000),
        ])
        let digests = plan.entries.map(\.digest.value)
        #expect(digests.count == 2)
        let first = RebuildNotice.changes(announced: [:], plan: plan)
        #expect(first.announce.count == 2)
        #expect(first.announce.allSatisfy { $0.previous.isEmpty })
        let again = RebuildNotice.changes(announced: first.remember, plan: plan)
        #expect(again.announce.isEmpty)
        var changed = first.remember
        changed[digests[0]] = ["requested"]
        let third = RebuildNotice.changes(announced: changed, plan: plan)
        #expect(third.announce.map(\.entry.digest.value) == [digests[0]])
        #expect(third.announce.first?.previous == ["requested"])
    }
}
