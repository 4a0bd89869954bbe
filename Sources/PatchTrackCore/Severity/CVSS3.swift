// CVSS v3.0 and v3.1 vectors and base scores.
//
// Follows the FIRST specification documents:
// - v3.1: https://www.first.org/cvss/v3.1/specification-document (section 7.1 base equations, 7.4 metric values,
//   Appendix A Roundup, section 6 vector string)
// - v3.0: https://www.first.org/cvss/v3.0/specification-document (section 8.1, 8.4)
// The base equations and weights of the two versions are identical; they differ only in Roundup:
// - v3.0: "the smallest number, specified to one decimal place, that is equal to or higher than its input",
//   i.e. ceil(x × 10) / 10 in floating point, so 4.000000000000001 rounds up to 4.1;
// - v3.1 (Appendix A): round x × 100 000 to an integer first, then round up to one decimal in integer arithmetic,
//   which removes those floating-point artefacts.
// A vector is scored with the Roundup of the version it names.
//
// Deliberate choices:
// - Metrics may come in any order (the specification asks for a fixed order but real feeds do not all follow it).
// - Each base metric must appear exactly once; temporal and environmental metrics are optional, validated against
//   the specification's values, kept, and do not change `baseScore`.
// - Names and values are case sensitive, as in the specification; leading and trailing white space is ignored.

import Foundation

/// A parsed CVSS v3.0 or v3.1 vector.
public struct CVSS3: Equatable, Sendable {
    /// The CVSS minor version a vector names.
    public enum Version: String, Equatable, Sendable {
        /// CVSS v3.0.
        case v3_0 = "3.0"
        /// CVSS v3.1.
        case v3_1 = "3.1"
    }

    /// Attack Vector (AV).
    public enum AttackVector: String, Equatable, Sendable {
        /// Network.
        case network = "N"
        /// Adjacent network.
        case adjacent = "A"
        /// Local.
        case local = "L"
        /// Physical.
        case physical = "P"
    }

    /// Attack Complexity (AC).
    public enum AttackComplexity: String, Equatable, Sendable {
        /// Low.
        case low = "L"
        /// High.
        case high = "H"
    }

    /// Privileges Required (PR).
    public enum PrivilegesRequired: String, Equatable, Sendable {
        /// None.
        case none = "N"
        /// Low.
        case low = "L"
        /// High.
        case high = "H"
    }

    /// User Interaction (UI).
    public enum UserInteraction: String, Equatable, Sendable {
        /// None.
        case none = "N"
        /// Required.
        case required = "R"
    }

    /// Scope (S).
    public enum Scope: String, Equatable, Sendable {
        /// Unchanged.
        case unchanged = "U"
        /// Changed.
        case changed = "C"
    }

    /// Confidentiality, Integrity or Availability impact (C, I, A).
    public enum Impact: String, Equatable, Sendable {
        /// High.
        case high = "H"
        /// Low.
        case low = "L"
        /// None.
        case none = "N"
    }

    /// The version named by the vector's prefix.
    public let version: Version
    /// Attack Vector.
    public let attackVector: AttackVector
    /// Attack Complexity.
    public let attackComplexity: AttackComplexity
    /// Privileges Required.
    public let privilegesRequired: PrivilegesRequired
    /// User Interaction.
    public let userInteraction: UserInteraction
    /// Scope.
    public let scope: Scope
    /// Confidentiality impact.
    public let confidentiality: Impact
    /// Integrity impact.
    public let integrity: Impact
    /// Availability impact.
    public let availability: Impact
    /// Temporal and environmental metrics present in the vector (abbreviation → value), validated but not scored.
    public let otherMetrics: [String: String]

    /// Parses a vector string such as `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
    public init(vector: String) throws(CVSSError) {
        let text = vector.trimmingCharacters(in: .whitespacesAndNewlines)
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        let prefix = components.first.map(String.init) ?? ""
        switch prefix {
        case "CVSS:3.0": version = .v3_0
        case "CVSS:3.1": version = .v3_1
        default: throw .unsupportedVersion(prefix)
        }
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
        func base<Value: RawRepresentable<String>>(_ name: String) throws(CVSSError) -> Value {
            guard let raw = metrics.removeValue(forKey: name) else { throw .missingMetric(name) }
            // The value was checked against `allowedValues`, which lists exactly the enum's raw values.
            guard let value = Value(rawValue: raw) else { throw .invalidValue(metric: name, value: raw) }
            return value
        }
        attackVector = try base("AV")
        attackComplexity = try base("AC")
        privilegesRequired = try base("PR")
        userInteraction = try base("UI")
        scope = try base("S")
        confidentiality = try base("C")
        integrity = try base("I")
        availability = try base("A")
        otherMetrics = metrics
    }

    // MARK: - Scoring

    /// The base score (0.0–10.0, one decimal) from the specification's base equations.
    public var baseScore: Double {
        let impact = impactSubScore
        guard impact > 0 else { return 0 }
        let exploitability = exploitabilitySubScore
        switch scope {
        case .unchanged: return Self.roundUp(min(impact + exploitability, 10), version: version)
        case .changed: return Self.roundUp(min(1.08 * (impact + exploitability), 10), version: version)
        }
    }

    /// The Impact sub score before rounding (may be negative for scope changed with tiny ISS).
    public var impactSubScore: Double {
        let iss = 1 - (1 - Self.weight(confidentiality)) * (1 - Self.weight(integrity))
            * (1 - Self.weight(availability))
        switch scope {
        case .unchanged: return 6.42 * iss
        case .changed: return 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15)
        }
    }

    /// The Exploitability sub score before rounding.
    public var exploitabilitySubScore: Double {
        8.22 * Self.weight(attackVector) * Self.weight(attackComplexity) * privilegesWeight
            * Self.weight(userInteraction)
    }

    /// Rounds up to one decimal as the given version's Roundup function defines.
    public static func roundUp(_ value: Double, version: Version) -> Double {
        switch version {
        case .v3_0:
            return (value * 10).rounded(.up) / 10
        case .v3_1:
            // Appendix A: work on an integer of hundred-thousandths so that 4.000000000000001 stays 4.0.
            let scaled = Int((value * 100_000).rounded())
            if scaled % 10_000 == 0 { return Double(scaled) / 100_000 }
            return Double(scaled / 10_000 + 1) / 10
        }
    }

    // MARK: - Weights (specification section 7.4)

    private var privilegesWeight: Double {
        switch (privilegesRequired, scope) {
        case (.none, _): 0.85
        case (.low, .unchanged): 0.62
        case (.low, .changed): 0.68
        case (.high, .unchanged): 0.27
        case (.high, .changed): 0.5
        }
    }

    private static func weight(_ value: AttackVector) -> Double {
        switch value {
        case .network: 0.85
        case .adjacent: 0.62
        case .local: 0.55
        case .physical: 0.2
        }
    }

    private static func weight(_ value: AttackComplexity) -> Double {
        switch value {
        case .low: 0.77
        case .high: 0.44
        }
    }

    private static func weight(_ value: UserInteraction) -> Double {
        switch value {
        case .none: 0.85
        case .required: 0.62
        }
    }

    private static func weight(_ value: Impact) -> Double {
        switch value {
        case .high: 0.56
        case .low: 0.22
        case .none: 0
        }
    }

    /// Every metric of the v3.0/v3.1 vector grammar with its values (section 6, table 15 of v3.1).
    private static let allowedValues: [String: Set<String>] = [
        "AV": ["N", "A", "L", "P"], "AC": ["L", "H"], "PR": ["N", "L", "H"], "UI": ["N", "R"], "S": ["U", "C"],
        "C": ["H", "L", "N"], "I": ["H", "L", "N"], "A": ["H", "L", "N"],
        "E": ["X", "U", "P", "F", "H"], "RL": ["X", "O", "T", "W", "U"], "RC": ["X", "U", "R", "C"],
        "CR": ["X", "L", "M", "H"], "IR": ["X", "L", "M", "H"], "AR": ["X", "L", "M", "H"],
        "MAV": ["X", "N", "A", "L", "P"], "MAC": ["X", "L", "H"], "MPR": ["X", "N", "L", "H"], "MUI": ["X", "N", "R"],
        "MS": ["X", "U", "C"], "MC": ["X", "N", "L", "H"], "MI": ["X", "N", "L", "H"], "MA": ["X", "N", "L", "H"],
    ]
}
