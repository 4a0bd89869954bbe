// CVSS v4.0 vectors and scores.
//
// Follows the FIRST CVSS v4.0 specification document (https://www.first.org/cvss/v4.0/specification-document,
// section 8 "CVSS v4.0 Scoring": equivalence sets EQ1–EQ6, MacroVectors, severity distance interpolation) and, where
// the document leaves arithmetic open, the FIRST reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator,
// cvss_score.js at c5b0d409ae9f57c44264c6ce5f27d89298e1d32a), whose scores are the normative ones:
// - the distance of a metric value is its level difference with 0.1 per step, in the calculator's exact floating
//   point levels (see `CVSS4+ScoringData.swift`), so that x.x5 boundaries round the same way;
// - for EQ3+EQ6 = 00 the lower MacroVector is the better scoring of 01 and 10; EQ3+EQ6 = 21 has none;
// - the highest-severity vector is the first of the MacroVector's maxima that the scored vector does not exceed;
// - EQ5 contributes a proportional distance of 0 but counts in the mean when its lower MacroVector exists;
// - the result is clamped to 0–10 and rounded half up to one decimal; no impact at all (every effective VC, VI, VA,
//   SC, SI, SA is N) scores 0.0.
//
// Deliberate choices:
// - Metrics may come in any order (the specification's order is not enforced); each base metric exactly once.
// - Threat (E) and environmental metrics are honoured, as the calculator does: `score` is CVSS-B for a base-only
//   vector and CVSS-BT / -BE / -BTE otherwise (see `nomenclature`). Absent E means E:X = worst case (A); absent
//   CR/IR/AR mean H. Supplemental metrics are validated and kept but never change the score.
// - Names and values are case sensitive (`U:Clear`, not `U:clear`); surrounding white space is ignored.

import Foundation

/// A parsed CVSS v4.0 vector.
public struct CVSS4: Equatable, Sendable {
    /// The metrics as written (abbreviation → value), base metrics included.
    public let metrics: [String: String]

    /// The mandatory base metrics, in the specification's order.
    public static let baseMetricNames = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"]

    /// Parses a vector string such as `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`.
    public init(vector: String) throws(CVSSError) {
        let text = vector.trimmingCharacters(in: .whitespacesAndNewlines)
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        let prefix = components.first.map(String.init) ?? ""
        guard prefix == "CVSS:4.0" else { throw .unsupportedVersion(prefix) }
        var metrics: [String: String] = [:]
        for component in components.dropFirst() {
            let parts = component.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformedComponent(String(component))
            }
            let name = String(parts[0])
            let value = String(parts[1])
            guard let allowed = Self.allowedValues[name] else { throw .unknownMetric(name) }
            guard allowed.contains(value) else { throw .invalidValue(metric: name, value: value) }
            guard metrics.updateValue(value, forKey: name) == nil else { throw .duplicateMetric(name) }
        }
        for name in Self.baseMetricNames where metrics[name] == nil {
            throw .missingMetric(name)
        }
        self.metrics = metrics
    }

    // MARK: - Effective values

    /// The value scoring uses for `metric`: modified metrics override base ones, and `X` (or absence) means the
    /// worst case for E (A) and CR/IR/AR (H), the base value for the others.
    func effective(_ metric: String) -> String {
        let written = metrics[metric] ?? "X"
        switch metric {
        case "E": return written == "X" ? "A" : written
        case "CR", "IR", "AR": return written == "X" ? "H" : written
        default:
            if let modified = metrics["M" + metric], modified != "X" { return modified }
            return written
        }
    }

    /// The CVSS nomenclature of the score: CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE.
    public var nomenclature: String {
        let set: (String) -> Bool = { name in self.metrics[name].map { $0 != "X" } ?? false }
        let threat = set("E")
        let environmental = Self.environmentalMetricNames.contains(where: set)
        return "CVSS-B" + (threat ? "T" : "") + (environmental ? "E" : "")
    }

    // MARK: - MacroVector

    /// The MacroVector: the levels of EQ1…EQ6 (specification section 8.2, table 24).
    public var macroVector: [Int] {
        let av = effective("AV"), pr = effective("PR"), ui = effective("UI")
        let eq1: Int
        if av == "N" && pr == "N" && ui == "N" {
            eq1 = 0
        } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
            eq1 = 1
        } else {
            eq1 = 2
        }
        let eq2 = effective("AC") == "L" && effective("AT") == "N" ? 0 : 1
        let vc = effective("VC"), vi = effective("VI"), va = effective("VA")
        let eq3 = vc == "H" && vi == "H" ? 0 : (vc == "H" || vi == "H" || va == "H" ? 1 : 2)
        // EQ4 level 0 looks at MSI/MSA as written: only a modified value can be Safety (S).
        let eq4: Int
        if metrics["MSI"] == "S" || metrics["MSA"] == "S" {
            eq4 = 0
        } else if effective("SC") == "H" || effective("SI") == "H" || effective("SA") == "H" {
            eq4 = 1
        } else {
            eq4 = 2
        }
        let eq5 = switch effective("E") {
        case "U": 2
        case "P": 1
        default: 0
        }
        let highRequirement = (effective("CR") == "H" && vc == "H") || (effective("IR") == "H" && vi == "H")
            || (effective("AR") == "H" && va == "H")
        let eq6 = highRequirement ? 0 : 1
        return [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    // MARK: - Score

    /// The score of the vector's metrics (CVSS-B for a base-only vector), 0.0–10.0 with one decimal.
    public var score: Double {
        let impactMetrics = ["VC", "VI", "VA", "SC", "SI", "SA"]
        if impactMetrics.allSatisfy({ effective($0) == "N" }) { return 0 }
        let eq = macroVector
        guard let value = Self.macroVectorScore(eq) else { return 0 }

        // a. Maximal scoring difference to the next lower MacroVector of each EQ (nil when there is none).
        func lower(_ index: Int) -> Double? {
            var next = eq
            next[index] += 1
            return Self.macroVectorScore(next)
        }
        let lowerEQ3EQ6: Double?
        switch (eq[2], eq[5]) {
        case (0, 0):
            let left = lower(5), right = lower(2)
            if let left, let right, left > right { lowerEQ3EQ6 = left } else { lowerEQ3EQ6 = right }
        case (0, 1), (1, 1): lowerEQ3EQ6 = lower(2)
        case (1, 0): lowerEQ3EQ6 = lower(5)
        default: lowerEQ3EQ6 = nil
        }

        // b. Severity distance from the first highest-severity vector of the MacroVector not below this one.
        let distance = severityDistances(from: maximalVector(for: eq))
        func sum(_ names: [String]) -> Double { names.reduce(0) { $0 + (distance[$1] ?? 0) } }
        let step = 0.1
        let depth = Self.maxSeverityDepth
        // c./d. Proportion of the distance within the MacroVector's depth, times the maximal scoring difference.
        let parts: [(lower: Double?, distance: Double, depth: Double)] = [
            (lower(0), sum(["AV", "PR", "UI"]), Double(depth.eq1[eq[0]]) * step),
            (lower(1), sum(["AC", "AT"]), Double(depth.eq2[eq[1]]) * step),
            (lowerEQ3EQ6, sum(["VC", "VI", "VA", "CR", "IR", "AR"]),
             Double(depth.eq3eq6[eq[2]][eq[5]]) * step),
            (lower(3), sum(["SC", "SI", "SA"]), Double(depth.eq4[eq[3]]) * step),
            (lower(4), 0, 1),
        ]
        var total = 0.0
        var existing = 0
        for part in parts {
            guard let lowerScore = part.lower else { continue }
            existing += 1
            total += (value - lowerScore) * (part.distance / part.depth)
        }
        // 2./3. Mean proportional distance subtracted from the MacroVector's score.
        let mean = existing == 0 ? 0 : total / Double(existing)
        let result = min(max(value - mean, 0), 10)
        return (result * 10).rounded(.toNearestOrAwayFromZero) / 10
    }

    /// The first of the MacroVector's highest-severity vectors that every metric of this vector is at or below;
    /// the last candidate when none qualifies (the reference calculator's behaviour).
    private func maximalVector(for eq: [Int]) -> [String: String] {
        let maxima = Self.maximalVectors
        var candidates: [[String: String]] = [[:]]
        let groups = [
            maxima.eq1[eq[0]], maxima.eq2[eq[1]], maxima.eq3eq6[eq[2]][eq[5]], maxima.eq4[eq[3]],
        ]
        for group in groups {
            candidates = candidates.flatMap { partial in
                group.map { partial.merging($0) { current, _ in current } }
            }
        }
        return candidates.first { candidate in
            severityDistances(from: candidate).values.allSatisfy { $0 >= 0 }
        } ?? candidates.last ?? [:]
    }

    /// For each metric of the distance: this vector's level minus the level in `maximal`.
    private func severityDistances(from maximal: [String: String]) -> [String: Double] {
        var distances: [String: Double] = [:]
        for (metric, levels) in Self.severityLevels {
            guard let own = levels[effective(metric)], let other = maximal[metric].flatMap({ levels[$0] }) else {
                continue
            }
            distances[metric] = own - other
        }
        return distances
    }

    // MARK: - Grammar (specification section 7, table 23)

    static let environmentalMetricNames = [
        "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
    ]

    private static let allowedValues: [String: Set<String>] = [
        "AV": ["N", "A", "L", "P"], "AC": ["L", "H"], "AT": ["N", "P"], "PR": ["N", "L", "H"], "UI": ["N", "P", "A"],
        "VC": ["H", "L", "N"], "VI": ["H", "L", "N"], "VA": ["H", "L", "N"],
        "SC": ["H", "L", "N"], "SI": ["H", "L", "N"], "SA": ["H", "L", "N"],
        "E": ["X", "A", "P", "U"],
        "CR": ["X", "H", "M", "L"], "IR": ["X", "H", "M", "L"], "AR": ["X", "H", "M", "L"],
        "MAV": ["X", "N", "A", "L", "P"], "MAC": ["X", "L", "H"], "MAT": ["X", "N", "P"], "MPR": ["X", "N", "L", "H"],
        "MUI": ["X", "N", "P", "A"], "MVC": ["X", "H", "L", "N"], "MVI": ["X", "H", "L", "N"],
        "MVA": ["X", "H", "L", "N"], "MSC": ["X", "H", "L", "N"], "MSI": ["X", "S", "H", "L", "N"],
        "MSA": ["X", "S", "H", "L", "N"],
        "S": ["X", "N", "P"], "AU": ["X", "N", "Y"], "R": ["X", "A", "U", "I"], "V": ["X", "D", "C"],
        "RE": ["X", "L", "M", "H"], "U": ["X", "Clear", "Green", "Amber", "Red"],
    ]
}
