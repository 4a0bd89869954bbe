import Foundation
import Testing

import PatchTrackCore

@Suite struct CVSS4Tests {
    // MARK: - Reference calculator

    /// Fixtures/severity/cvss4-first-calculator.tsv: 500 vectors scored by the FIRST reference calculator's own
    /// code (source and seeds in the file header).
    @Test func scoresEveryVectorAsTheFIRSTReferenceCalculator() throws {
        // given the calculator's (vector, score) pairs
        let url = try #require(Bundle.module.url(
            forResource: "cvss4-first-calculator", withExtension: "tsv", subdirectory: "Fixtures/severity"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(lines.count == 500)
        for line in lines {
            let fields = line.split(separator: "\t")
            let vector = String(fields[0])
            let expected = try #require(Double(fields[1]), "\(line)")
            // when scored / then the calculator's score
            #expect(try CVSS4(vector: vector).score == expected, "\(vector)")
        }
    }

    /// Values asserted by the Red Hat cvss library's test suite (RedHatProductSecurity/cvss tests/test_cvss4.py,
    /// LGPL-3.0-or-later), an implementation independent of ours.
    @Test(arguments: [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L", 7.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H", 7.7),
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
    ])
    func agreesWithAnIndependentImplementationsTests(vector: String, expected: Double) throws {
        #expect(try CVSS4(vector: vector).score == expected)
    }

    // MARK: - Specification rules

    @Test func macroVectorFollowsTheEquivalenceTables() throws {
        // given the most severe base vector
        let worst = try CVSS4(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H")
        // then EQ1–EQ3 are 0, EQ4 is 1 (SC:H without Safety), EQ5 is 0 (E:X means A), EQ6 is 0 (CR:X means H)
        #expect(worst.macroVector == [0, 0, 0, 1, 0, 0])
        #expect(worst.score == 10.0)
        // and a modified Safety value moves EQ4 to 0
        let safety = try CVSS4(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S")
        #expect(safety.macroVector == [0, 0, 0, 0, 0, 0])
        // and physical access is EQ1 level 2 even with PR:N and UI:N; unreported exploit maturity is EQ5 level 2
        let physical = try CVSS4(vector: "CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/E:U/CR:L")
        #expect(physical.macroVector == [2, 1, 2, 2, 2, 1])
    }

    @Test func macroVectorScoresCoverExactlyTheExistingCombinations() {
        // given every combination of EQ levels
        var existing = 0
        for index in 0..<729 {
            let levels = (0..<6).reversed().map { index / Int(pow(3.0, Double($0))) % 3 }
            guard let score = CVSS4.macroVectorScore(levels) else { continue }
            existing += 1
            #expect((0...10).contains(score))
            // then only EQ2 0–1 and EQ6 0–1 (the others 0–2) exist, and never EQ3 = 2 with EQ6 = 0
            #expect(levels[1] < 2 && levels[5] < 2 && !(levels[2] == 2 && levels[5] == 0), "\(levels)")
        }
        #expect(existing == 3 * 2 * 3 * 3 * 3 * 2 - 3 * 2 * 3 * 3)
        #expect(CVSS4.macroVectorScore([0, 0, 0, 0, 0, 0]) == 10)
        #expect(CVSS4.macroVectorScore([0, 0, 0]) == nil)
    }

    @Test func noImpactOnAnySystemScoresZero() throws {
        let vector = try CVSS4(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N")
        #expect(vector.score == 0)
        // a modified impact brings the score back
        let modified = try CVSS4(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H")
        #expect(modified.score > 0)
    }

    @Test func threatMetricLowersTheScoreAndNamesTheNomenclature() throws {
        // given a base vector, the same with E:U, and with an environmental metric
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        let plain = try CVSS4(vector: base)
        let unreported = try CVSS4(vector: base + "/E:U")
        let both = try CVSS4(vector: base + "/E:U/CR:L")
        let explicitDefaults = try CVSS4(vector: base + "/E:X/CR:X/MAV:X")
        // then
        #expect(plain.score == 9.3)
        #expect(unreported.score < plain.score)
        #expect(plain.nomenclature == "CVSS-B")
        #expect(unreported.nomenclature == "CVSS-BT")
        #expect(both.nomenclature == "CVSS-BTE")
        #expect(explicitDefaults.nomenclature == "CVSS-B")
        #expect(explicitDefaults.score == plain.score)
    }

    @Test func supplementalMetricsAndMetricOrderDoNotChangeTheScore() throws {
        let ordered = try CVSS4(vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:H/VI:L/VA:N/SC:L/SI:N/SA:N")
        let shuffled = try CVSS4(
            vector: "CVSS:4.0/SA:N/SI:N/SC:L/VA:N/VI:L/VC:H/UI:P/PR:L/AT:P/AC:L/AV:N/S:P/AU:Y/R:I/V:C/RE:H/U:Amber")
        #expect(shuffled.score == ordered.score)
        #expect(shuffled.metrics["U"] == "Amber")
    }

    // MARK: - Parsing

    @Test(arguments: [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", CVSSError.missingMetric("SA")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:H", .duplicateMetric("SA")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", .invalidValue(metric: "SI", value: "S")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", .invalidValue(metric: "UI", value: "R")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear",
         .invalidValue(metric: "U", value: "clear")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", .invalidValue(metric: "S", value: "U")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H", .unknownMetric("C")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N//", .malformedComponent("")),
        ("CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", .unsupportedVersion("CVSS:4.1")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unsupportedVersion("CVSS:3.1")),
    ])
    func rejectsMalformedVectorsWithATypedError(vector: String, expected: CVSSError) {
        #expect(throws: expected) { try CVSS4(vector: vector) }
    }
}
