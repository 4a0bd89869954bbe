// Qualitative severity levels, from CVSS scores and from the labels feeds and scanners write.
//
// Scores follow the CVSS qualitative severity rating scale (CVSS v3.1 specification section 5, CVSS v4.0 section 6):
// None 0.0, Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
//
// Choices:
// - CVSS "None" (score 0.0) becomes `.low`, not `.unknown`: the record was scored and judged the least severe, which
//   is information; `.unknown` is kept for "nobody said". A policy threshold of `low` therefore includes it.
// - Scores outside 0–10 (or NaN) are not CVSS scores and give `.unknown`.
// - Labels are matched case-insensitively after trimming white space and Debian's trailing `*` marks (`low**`),
//   with `_` and `-` read as spaces. Vocabularies covered: CVSS ratings (incl. "none" → low), GHSA
//   (LOW/MODERATE/HIGH/CRITICAL), Red Hat and SUSE (low/moderate/important/critical), Debian urgencies
//   (unimportant/low/medium/high, "not yet assigned", "end-of-life"), Ubuntu priorities
//   (negligible/low/medium/high/critical, untriaged), Trivy (UNKNOWN/LOW/MEDIUM/HIGH/CRITICAL) and Grype
//   (Unknown/Negligible/Low/Medium/High/Critical).

import Foundation

/// How severe a vulnerability is, from `unknown` (nobody said) to `critical`.
public enum SeverityLevel: String, Comparable, CaseIterable, Sendable {
    /// No usable severity information.
    case unknown
    /// CVSS 0.0–3.9, or a label such as negligible, unimportant, low.
    case low
    /// CVSS 4.0–6.9, or medium / moderate.
    case medium
    /// CVSS 7.0–8.9, or high / important.
    case high
    /// CVSS 9.0–10.0, or critical.
    case critical

    /// The level for a CVSS score on the qualitative rating scale (0.0 → `.low`; outside 0–10 → `.unknown`).
    public init(score: Double) {
        switch score {
        case 9.0...10.0: self = .critical
        case 7.0..<9.0: self = .high
        case 4.0..<7.0: self = .medium
        case 0.0..<4.0: self = .low
        default: self = .unknown
        }
    }

    /// The level a feed or scanner label means (`CRITICAL`, `moderate`, `important`, `low**`, `negligible`,
    /// `not yet assigned`), or nil for a label none of the known vocabularies uses.
    public init?(label: String) {
        var text = label.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while text.hasSuffix("*") { text.removeLast() }
        text = text.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let level = Self.labels[text] else { return nil }
        self = level
    }

    /// Orders `unknown < low < medium < high < critical`.
    public static func < (lhs: SeverityLevel, rhs: SeverityLevel) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The position on the scale, `unknown` = 0 to `critical` = 4: the one statement of the order, which `<`, rebuild
    /// planning and Storage's SQL ranking (`SeverityRankSQL`) all use.
    public var rank: Int {
        switch self {
        case .unknown: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    /// The level at `rank` on the scale, or nil outside 0…4.
    public init?(rank: Int) {
        guard let level = Self.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = level
    }

    /// Normalised label → level.
    private static let labels: [String: SeverityLevel] = [
        "critical": .critical,
        "high": .high, "important": .high,
        "medium": .medium, "moderate": .medium,
        "low": .low, "negligible": .low, "unimportant": .low, "none": .low, "informational": .low, "info": .low,
        "unknown": .unknown, "not yet assigned": .unknown, "untriaged": .unknown, "unassigned": .unknown,
        "unrated": .unknown, "end of life": .unknown, "n/a": .unknown, "": .unknown,
    ]
}
