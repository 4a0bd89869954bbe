import Foundation

/// Real OSV records from the Core test target's fixtures (sources in Tests/Fixtures/README.md).
func advisoryFixture(_ path: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "PatchTrackCoreTests/Fixtures/advisories/\(path)")
    return try String(contentsOf: url, encoding: .utf8)
}

/// A CycloneDX 1.5 SBOM in the shape syft writes, for an image `digest`, with the given component purls. Test data
/// written for these tests (the real documents in the fixtures carry none of the packages the fixture advisories
/// name).
func cycloneDX(image digest: String, os: (String, String)? = nil, purls: [String]) -> String {
    var components = purls.enumerated().map { index, purl -> [String: Any] in
        let name = purl.split(separator: "/").last.map { String($0.split(separator: "@")[0]) } ?? "c\(index)"
        let version = purl.split(separator: "@").dropFirst().first.map { String($0.split(separator: "?")[0]) } ?? "0"
        return ["bom-ref": "ref-\(index)", "type": "library", "name": name, "version": version, "purl": purl]
    }
    if let os { components.append(["type": "operating-system", "name": os.0, "version": os.1]) }
    let document: [String: Any] = [
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": [
            "tools": ["components": [["type": "application", "author": "anchore", "name": "syft", "version": "1.18.1"]]],
            "component": ["bom-ref": "image", "type": "container", "name": "registry.example.com/test/app", "version": digest],
        ],
        "components": components,
    ]
    return String(decoding: try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self)
}

/// A hand-written OSV record for tests (marked `TEST-` so it is never mistaken for a real advisory).
func osvRecord(
    id: String, modified: String = "2024-01-01T00:00:00Z", aliases: [String] = [], ecosystem: String, name: String,
    introduced: String = "0", fixed: String?, withdrawn: String? = nil, severity: String? = nil
) -> String {
    var events: [[String: String]] = [["introduced": introduced]]
    if let fixed { events.append(["fixed": fixed]) }
    var record: [String: Any] = [
        "id": id, "modified": modified, "aliases": aliases,
        "affected": [["package": ["ecosystem": ecosystem, "name": name], "ranges": [["type": "ECOSYSTEM", "events": events]]]],
    ]
    if let withdrawn { record["withdrawn"] = withdrawn }
    if let severity { record["severity"] = [["type": "CVSS_V3", "score": severity]] }
    return String(decoding: try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
}

extension Client.Reply {
    /// The finding rows as (package, advisory, fixed version) triples, sorted.
    var findingTriples: [String] {
        ((json["items"] as? [[String: Any]]) ?? []).map {
            "\($0["package"] as? String ?? "?") \($0["advisory"] as? String ?? "?") \($0["fixed_version"] as? String ?? "no-fix")"
        }.sorted()
    }
}
