import Foundation
import Testing

@testable import PatchTrackCore

@Suite("Feed documents")
struct FeedDocumentTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: #require(Bundle.module.url(forResource: "Fixtures/feeds/\(name)", withExtension: nil)))
    }

    @Test("CISA's catalogue: every entry read, ransomware use as a boolean, due dates kept")
    func kevCatalogue() throws {
        let data = try Self.fixture("known_exploited_vulnerabilities.json")
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let document = try KEVCatalog.parse(data)
        #expect(document.entries.count == raw["count"] as? Int)
        #expect(document.rejections.isEmpty)
        #expect(document.version == raw["catalogVersion"] as? String)
        let log4shell = try #require(document.entries.first { $0.cve == "CVE-2021-44228" })
        #expect(log4shell == KEVEntry(cve: "CVE-2021-44228", dateAdded: "2021-12-10", dueDate: "2021-12-24", ransomware: true))
        let known = (raw["vulnerabilities"] as? [[String: Any]] ?? []).filter { $0["knownRansomwareCampaignUse"] as? String == "Known" }.count
        #expect(document.entries.filter(\.ransomware).count == known)
    }

    @Test("a KEV entry without a CVE id or with a bad date is rejected by position, the others kept")
    func kevRejections() throws {
        let data = Data(#"{"vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02"}, {"cveID": "nope", "dateAdded": "2024-01-02"}, {"cveID": "CVE-2024-0002", "dateAdded": "2024-13-40"}, 7]}"#.utf8)
        let document = try KEVCatalog.parse(data)
        #expect(document.entries.map(\.cve) == ["CVE-2024-0001"])
        #expect(document.rejections.map(\.record) == ["vulnerabilities[1]", "CVE-2024-0002", "vulnerabilities[3]"])
        #expect(throws: FeedDocumentError.self) { try KEVCatalog.parse(Data("[]".utf8)) }
    }

    @Test("EPSS: the score date from the comment line, malformed lines named by number")
    func epss() throws {
        let text = "#model_version:v2025.03.14,score_date:2026-09-29T12:00:22Z\ncve,epss,percentile\nCVE-2021-44228,0.99999,1.0\nCVE-2021-1,0.5\nCVE-2021-44229,1.5,0.2\nCVE-2021-44230,0.01001,0.61389\n"
        let document = try EPSSScores.parse(Data(text.utf8))
        #expect(document.entries == [
            EPSSEntry(cve: "CVE-2021-44228", score: 0.99999, percentile: 1.0, date: "2026-09-29"),
            EPSSEntry(cve: "CVE-2021-44230", score: 0.01001, percentile: 0.61389, date: "2026-09-29"),
        ])
        #expect(document.rejections.map(\.record) == ["line 4", "line 5 (CVE-2021-44229)"])
        #expect(throws: FeedDocumentError.self) { try EPSSScores.parse(Data("cve,score\n".utf8)) }
    }

    @Test("modified_id.csv is read down to the high-water mark, oldest first after")
    func modifiedIndex() throws {
        let mark = OSVExportPosition(modified: try #require(RFC3339Timestamp("2024-05-01T00:00:00Z")), id: "B")
        var reader = OSVModifiedIndexReader(highWater: mark)
        let lines = ["2024-05-03T00:00:00Z,Debian/C", "2024-05-01T00:00:00Z,D", "bad line", "2024-05-01T00:00:00Z,B", "2024-04-01T00:00:00Z,A"]
        var read = 0
        for line in lines {
            read += 1
            if !reader.read(line: Substring(line)) { break }
        }
        // the line at the mark stops the reading; D shares its time but sorts after B, so it is newer
        #expect(read == 4)
        #expect(reader.oldestFirst.map(\.id) == ["D", "C"])
        #expect(reader.rejections.map(\.record) == ["modified_id.csv line 3"])
        #expect(reader.newest?.id == "C")
    }

    @Test("several CVEs of one vulnerability: the KEV listing due first and the highest EPSS score apply")
    func combination() {
        var signals = ExploitSignals()
        signals.add(KEVEntry(cve: "CVE-1", dateAdded: "2024-01-01", dueDate: "2024-03-01", ransomware: false))
        signals.add(KEVEntry(cve: "CVE-2", dateAdded: "2024-02-01", dueDate: "2024-02-15", ransomware: true))
        signals.add(EPSSEntry(cve: "CVE-1", score: 0.2, percentile: 0.8, date: "2024-05-01"))
        signals.add(EPSSEntry(cve: "CVE-2", score: 0.1, percentile: 0.7, date: "2024-05-01"))
        #expect(signals.kev?.cve == "CVE-2")
        #expect(signals.epss?.cve == "CVE-1")
    }

    @Test("feed definitions: names, URLs, ecosystems and intervals are checked; staleness after two intervals")
    func definitions() throws {
        let good = FeedDefinition(name: "osv-mirror", kind: .osv, url: "https://mirror.example.com/osv", ecosystems: ["Red Hat", "crates.io"], intervalMinutes: 60, enabled: true)
        try good.validate()
        var bad = good
        bad.name = "-x"
        #expect(throws: FeedDefinition.Invalid(field: "name", reason: "must be 1 to 63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")) { try bad.validate() }
        bad = good
        bad.ecosystems = ["a/b"]
        #expect(throws: FeedDefinition.Invalid.self) { try bad.validate() }
        #expect(FeedDefinition(name: "osv", kind: .osv, url: "https://x", ecosystems: nil, intervalMinutes: 60, enabled: false).followedEcosystems == Ecosystem.osvNames)

        let now = Date(timeIntervalSince1970: 1_000_000)
        let hour: TimeInterval = 3600
        #expect(!FeedStanding.isStale(enabled: true, lastSuccess: now - 1.9 * hour, enabledSince: nil, intervalMinutes: 60, now: now))
        #expect(FeedStanding.isStale(enabled: true, lastSuccess: now - 2.1 * hour, enabledSince: nil, intervalMinutes: 60, now: now))
        #expect(FeedStanding.isStale(enabled: true, lastSuccess: nil, enabledSince: now - 3 * hour, intervalMinutes: 60, now: now))
        #expect(!FeedStanding.isStale(enabled: false, lastSuccess: nil, enabledSince: now - 3 * hour, intervalMinutes: 60, now: now))
    }
}

@Suite("SLA of KEV findings")
struct KEVServiceLevelTests {
    @Test("a KEV finding is due at the earliest of its severity's time, kev_sla_days, and the catalogue's due date")
    func due() throws {
        let detected = try #require(Timestamp.parse("2026-01-10T12:00:00Z"))
        let levels = ServiceLevel(kevDays: 5)
        let listed = KEVEntry(cve: "CVE-1", dateAdded: "2026-01-01", dueDate: "2026-01-12", ransomware: false)
        // the catalogue's due date ends first (end of 2026-01-12, UTC)
        #expect(levels.due(detected: detected, severity: .low, kev: listed) == Timestamp.parse("2026-01-13T00:00:00Z"))
        // without one, kev_sla_days
        let undated = KEVEntry(cve: "CVE-1", dateAdded: "2026-01-01", dueDate: nil, ransomware: false)
        #expect(levels.due(detected: detected, severity: .low, kev: undated) == Timestamp.parse("2026-01-15T12:00:00Z"))
        // a critical finding keeps its two days; an unknown severity gets a due time from KEV
        #expect(levels.due(detected: detected, severity: .critical, kev: undated) == Timestamp.parse("2026-01-12T12:00:00Z"))
        #expect(levels.due(detected: detected, severity: .unknown, kev: nil) == nil)
        #expect(levels.due(detected: detected, severity: .unknown, kev: undated) == Timestamp.parse("2026-01-15T12:00:00Z"))
    }
}
