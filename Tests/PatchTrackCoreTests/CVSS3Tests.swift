import Foundation
import Testing

import PatchTrackCore

@Suite struct CVSS3Tests {
    // MARK: - Specification examples

    /// Roundup examples: the v3.0 specification (section 8.1: "Round up (4.02) is 4.1; and Round up (4.00) is
    /// 4.0", also on nvd.nist.gov/vuln-metrics/cvss/v3-calculator/equations) and the v3.1 specification Appendix A,
    /// whose integer-based Roundup exists so that a floating-point artefact such as 4.000000000000001 gives 4.0.
    @Test(arguments: [
        (4.02, CVSS3.Version.v3_0, 4.1), (4.00, .v3_0, 4.0), (4.02, .v3_1, 4.1), (4.00, .v3_1, 4.0),
        (4.000000000000001, .v3_0, 4.1), (4.000000000000001, .v3_1, 4.0), (9.81, .v3_1, 9.9), (0.0, .v3_1, 0.0),
    ])
    func roundUpFollowsEachVersionsDefinition(input: Double, version: CVSS3.Version, expected: Double) {
        // given a raw value and a version / when rounded up / then
        #expect(CVSS3.roundUp(input, version: version) == expected)
    }

    @Test func specificationSubScoresOfAFullImpactNetworkVector() throws {
        // given the highest-impact scope-unchanged vector
        let cvss = try CVSS3(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        // then the sub scores are the section 7.1 products (NVD shows Impact 5.9, Exploitability 3.9)
        #expect(abs(cvss.impactSubScore - 6.42 * (1 - 0.44 * 0.44 * 0.44)) < 1e-12)
        #expect(abs(cvss.exploitabilitySubScore - 8.22 * 0.85 * 0.77 * 0.85 * 0.85) < 1e-12)
        #expect((cvss.impactSubScore * 10).rounded() / 10 == 5.9)
        #expect((cvss.exploitabilitySubScore * 10).rounded() / 10 == 3.9)
        #expect(cvss.baseScore == 9.8)
    }

    @Test func noImpactScoresZeroWhateverTheExploitability() throws {
        let unchanged = try CVSS3(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")
        let changed = try CVSS3(vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N")
        #expect(unchanged.baseScore == 0)
        #expect(changed.baseScore == 0)
    }

    @Test func scopeChangedRaisesPrivilegeWeightsAndCapsAtTen() throws {
        // given the same vector with scope unchanged and changed
        let unchanged = try CVSS3(vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H")
        let changed = try CVSS3(vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H")
        // then PR:H weighs 0.27 vs 0.5 (section 7.4): 7.2 and 9.1; the maximum vector is capped at 10.0
        #expect(unchanged.baseScore == 7.2)
        #expect(changed.baseScore == 9.1)
        #expect(try CVSS3(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").baseScore == 10.0)
    }

    // MARK: - Real vectors with published scores

    /// Vectors with the base score their publisher gives. Source: the `CVSS` blocks of Trivy JSON reports, which copy
    /// NVD's (`nvd`) and Red Hat's (`redhat`) published vector and score for the CVE: the reports in Fixtures/scans
    /// (aquasecurity/trivy) and Trivy reports of an Ubuntu 24.04 image and in Trivy release notes (CVE-2018-6543) read
    /// through the code search; Log4Shell's 10.0 is NVD's well-known score, repeated in many such reports.
    static let published: [(cve: String, vector: String, score: Double)] = [
        ("CVE-2021-44228 nvd", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVE-2016-2781 nvd", "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N", 6.5),
        ("CVE-2016-2781 redhat", "CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 8.6),
        ("CVE-2022-3219 nvd", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:L", 3.3),
        ("CVE-2022-3219 redhat", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 6.2),
        ("CVE-2024-26462 nvd", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5),
        ("CVE-2024-26462 redhat", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
        ("CVE-2024-26458 redhat", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", 5.9),
        ("CVE-2025-0395 redhat", "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H", 5.5),
        ("CVE-2018-6543 nvd", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 4.7),
        ("CVE-2018-6543 redhat", "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5),
        ("CVE-2019-11358 nvd", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVE-2019-18276 nvd", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
        ("CVE-2018-0734 nvd", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        ("CVE-2019-14806 nvd", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        ("CVE-2019-1549 nvd", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
    ]

    @Test(arguments: published)
    func scoresRealVectorsAsPublished(cve: String, vector: String, score: Double) throws {
        // given a published vector / when scored / then the publisher's score
        #expect(try CVSS3(vector: vector).baseScore == score, "\(cve)")
    }

    /// Every v3 vector with a score in the Trivy and Grype reports of Fixtures/scans (scores from NVD, Red Hat, GHSA).
    @Test func scoresEveryVectorOfTheScannerFixturesAsTheScannerReports() throws {
        // given the (vector, score) pairs the real reports carry
        let pairs = try ScannerCVSSPairs.load()
        #expect(pairs.count >= 10)
        for pair in pairs {
            // when scored / then
            #expect(try CVSS3(vector: pair.vector).baseScore == pair.score, "\(pair.file): \(pair.vector)")
        }
    }

    // MARK: - Parsing

    @Test func acceptsMetricsInAnyOrderWithTemporalAndEnvironmentalOnes() throws {
        // given a reordered vector with temporal and environmental metrics
        let cvss = try CVSS3(vector: " CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:P/RL:O/RC:C/CR:H/MAV:L\n")
        // then the base metrics are read, the others kept, and only the base metrics score
        #expect(cvss.version == .v3_1)
        #expect(cvss.attackVector == .network)
        #expect(cvss.otherMetrics == ["E": "P", "RL": "O", "RC": "C", "CR": "H", "MAV": "L"])
        #expect(cvss.baseScore == 9.8)
    }

    @Test(arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", CVSSError.missingMetric("A")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L", .duplicateMetric("A")),
        ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .invalidValue(metric: "AV", value: "X")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Q", .invalidValue(metric: "E", value: "Q")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", .unknownMetric("AT")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", .malformedComponent("")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A", .malformedComponent("A")),
        ("CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedComponent("AV:N:L")),
        ("CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownMetric("av")),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unsupportedVersion("AV:N")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", .unsupportedVersion("CVSS:4.0")),
        ("", .unsupportedVersion("")),
    ])
    func rejectsMalformedVectorsWithATypedError(vector: String, expected: CVSSError) {
        // given a malformed vector / when parsed / then the specific error
        #expect(throws: expected) { try CVSS3(vector: vector) }
    }
}

/// The (vector, score) pairs of the Trivy (`CVSS.<source>.V3Vector/V3Score`) and Grype (`cvss[].vector` +
/// `metrics.baseScore`) reports in Fixtures/scans.
enum ScannerCVSSPairs {
    struct Pair {
        let file: String
        let vector: String
        let score: Double
    }

    static func load() throws -> [Pair] {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/scans", withExtension: nil))
        let urls = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        var pairs: [Pair] = []
        for url in urls where url.pathExtension == "json" {
            let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            collect(root, file: url.lastPathComponent, into: &pairs)
        }
        return pairs
    }

    private static func collect(_ node: Any, file: String, into pairs: inout [Pair]) {
        if let object = node as? [String: Any] {
            if let vector = object["V3Vector"] as? String, let score = object["V3Score"] as? Double {
                pairs.append(Pair(file: file, vector: vector, score: score))
            }
            if let vector = object["vector"] as? String, vector.hasPrefix("CVSS:3"),
                let score = (object["metrics"] as? [String: Any])?["baseScore"] as? Double {
                pairs.append(Pair(file: file, vector: vector, score: score))
            }
            for value in object.values { collect(value, file: file, into: &pairs) }
        } else if let array = node as? [Any] {
            for value in array { collect(value, file: file, into: &pairs) }
        }
    }
}
