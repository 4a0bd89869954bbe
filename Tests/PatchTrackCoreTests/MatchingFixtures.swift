import Foundation
import Testing

import PatchTrackCore

/// Loading of the advisory and VEX fixtures (sources in Tests/Fixtures/README.md) for the matching and VEX tests.
enum MatchingFixtures {
    /// The bytes of `Fixtures/<path>.<ext>`.
    static func data(_ path: String, _ ext: String = "json") throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: ext), "\(path)")
        return try Data(contentsOf: url)
    }

    /// The OSV record `Fixtures/advisories/<name>.json`.
    static func record(_ name: String) throws -> OSVRecord {
        try JSONDecoder().decode(OSVRecord.self, from: data("advisories/\(name)"))
    }

    /// The matcher's view of a component purl as a scanner writes it.
    static func package(_ purl: String) throws -> EcosystemPackage {
        EcosystemPackage(purl: try PURL(parsing: purl))
    }
}
