import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// Documents and database snapshots for the scan and advisory store tests (test data written for these tests).
enum IngestFixtures {
    /// A digest made of one repeated hex byte.
    static func digest(_ byte: String) -> String {
        "sha256:" + String(repeating: byte, count: 32)
    }

    /// A CycloneDX 1.5 SBOM for image `digest` listing `purls`, created at `timestamp` when given.
    static func sbom(image digest: String, purls: [String], timestamp: String? = nil) -> Data {
        let components = purls.enumerated().map { index, purl -> [String: Any] in
            let name = purl.split(separator: "/").last.map { String($0.split(separator: "@")[0]) } ?? "c\(index)"
            let version = purl.split(separator: "@").dropFirst().first.map { String($0.split(separator: "?")[0]) } ?? "0"
            return ["bom-ref": "ref-\(index)", "type": "library", "name": name, "version": version, "purl": purl]
        }
        var metadata: [String: Any] = [
            "tools": ["components": [["type": "application", "author": "anchore", "name": "syft", "version": "1.18.1"]]],
            "component": ["bom-ref": "image", "type": "container", "name": "registry.example.com/test/app", "version": digest],
        ]
        if let timestamp { metadata["timestamp"] = timestamp }
        let document: [String: Any] = [
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "metadata": metadata, "components": components,
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
    }

    /// An OSV record (ids marked `TEST-`).
    static func osv(
        id: String, modified: String = "2024-01-01T00:00:00Z", aliases: [String] = [], ecosystem: String, name: String,
        fixed: String?
    ) -> [String: Any] {
        var events: [[String: String]] = [["introduced": "0"]]
        if let fixed { events.append(["fixed": fixed]) }
        return [
            "id": id, "modified": modified, "aliases": aliases,
            "affected": [["package": ["ecosystem": ecosystem, "name": name], "ranges": [["type": "ECOSYSTEM", "events": events]]]],
        ]
    }

    /// Intake entries of `records`, as a posted JSON array gives them.
    static func entries(_ records: [[String: Any]]) throws -> [(position: String, entry: OSVIntake.Entry)] {
        try OSVBundle.entries(json: try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys]))
    }

    /// Ingests `data` as a scan through `store`.
    @discardableResult
    static func ingest(_ data: Data, _ store: ScanStore) async throws -> ScanIngestResult {
        let parsed = try ScanIngest.parse(data, contentType: nil, override: nil)
        return try await store.ingest(
            contentHash: ScanStore.contentHash(of: data), document: parsed.document, normalized: parsed.normalized,
            registration: parsed.registration)
    }

    /// What ingest and matching stored, independent of ids and times: findings as `digest purl advisory fix state`,
    /// and row counts of every table they write.
    static func snapshot(_ executor: any SQLExecutor) async throws -> [String] {
        try await executor.read { session in
            var lines = try session.fetchAll(
                """
                SELECT i.digest, f.purl, a.osvId, f.fixedVersion, f.state, f.vulnerabilityId FROM finding f
                JOIN image i ON i.id = f.imageId JOIN advisory a ON a.id = f.advisoryId
                """
            ).map { row in
                [
                    try row.decode(0, as: String.self), try row.decode(1, as: String.self), try row.decode(2, as: String.self),
                    try row.decode(3, as: String?.self) ?? "no-fix", try row.decode(4, as: String.self),
                    try row.decode(5, as: String.self),
                ].joined(separator: " ")
            }.sorted()
            for table in ["image", "scan", "component", "componentKey", "scannerVerdict", "advisory", "advisoryAlias", "advisoryKey"] {
                let count = try session.fetchValue(SQLStatement(stringLiteral: "SELECT count(*) FROM \(table)"), as: Int.self) ?? 0
                lines.append("\(table): \(count)")
            }
            return lines
        }
    }
}
