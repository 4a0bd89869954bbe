/// A producer's claim about one vulnerability for some products (an OpenVEX statement, or one CycloneDX
/// `vulnerabilities[]` entry with an `analysis`).
public struct VEXStatement: Equatable, Sendable {
    /// The vulnerability id (`CVE-2023-27103`, a GHSA id, ...).
    public var vulnerability: String
    /// Other ids of the same vulnerability (OpenVEX `vulnerability.aliases`, CycloneDX `references[].id`).
    public var aliases: [String]
    /// The products the claim is about, each with the subcomponents it is narrowed to.
    public var products: [VEXProduct]
    /// The claim.
    public var status: VEXStatus
    /// Why the products are not affected, as written (OpenVEX `component_not_present`, CycloneDX
    /// `code_not_present`, ...).
    public var justification: String?
    /// How the vulnerability does not affect the products, or the CycloneDX `analysis.detail`.
    public var impactStatement: String?
    /// What to do about it (OpenVEX `action_statement`, CycloneDX `recommendation` or `workaround`).
    public var actionStatement: String?
    /// CycloneDX `analysis.response` values (`will_not_fix`, `update`, ...); empty for OpenVEX.
    public var responses: [String]
    /// When the claim was made or last updated (statement, else document timestamp).
    public var timestamp: RFC3339Timestamp?
    /// Where the statement is in the document (`statements[1]`, `vulnerabilities[0]`).
    public var path: String

    /// Creates a statement.
    public init(
        vulnerability: String, aliases: [String] = [], products: [VEXProduct], status: VEXStatus,
        justification: String? = nil, impactStatement: String? = nil, actionStatement: String? = nil,
        responses: [String] = [], timestamp: RFC3339Timestamp? = nil, path: String
    ) {
        self.vulnerability = vulnerability
        self.aliases = aliases
        self.products = products
        self.status = status
        self.justification = justification
        self.impactStatement = impactStatement
        self.actionStatement = actionStatement
        self.responses = responses
        self.timestamp = timestamp
        self.path = path
    }

    /// The subcomponents of all products, without repeats, in order.
    public var subcomponents: [VEXSubject] {
        var seen: [VEXSubject] = []
        for subject in products.flatMap(\.subcomponents) where !seen.contains(subject) { seen.append(subject) }
        return seen
    }

    /// The vulnerability id and its aliases.
    public var vulnerabilityIDs: [String] { [vulnerability] + aliases.filter { $0 != vulnerability } }
}

/// A VEX claim's status (OpenVEX 0.2.0 "Status Labels"; CycloneDX `analysis.state` is mapped onto these).
public enum VEXStatus: String, Sendable, Hashable, CaseIterable {
    /// No remediation is required.
    case notAffected = "not_affected"
    /// Actions are recommended to remediate or address the vulnerability.
    case affected
    /// The products contain a fix.
    case fixed
    /// It is not yet known whether the products are affected.
    case underInvestigation = "under_investigation"

    /// Maps a CycloneDX `analysis.state` (1.4 to 1.6): `not_affected` and `false_positive` → not affected,
    /// `exploitable` → affected, `resolved` and `resolved_with_pedigree` → fixed, `in_triage` → under
    /// investigation; nil for anything else.
    public init?(cycloneDXState state: String) {
        switch state {
        case "not_affected", "false_positive": self = .notAffected
        case "exploitable": self = .affected
        case "resolved", "resolved_with_pedigree": self = .fixed
        case "in_triage": self = .underInvestigation
        default: return nil
        }
    }
}

/// One product of a VEX statement and the subcomponents the statement is narrowed to (none: the whole product).
public struct VEXProduct: Equatable, Sendable {
    /// The product.
    public var subject: VEXSubject
    /// The packages inside the product the statement is about.
    public var subcomponents: [VEXSubject]

    /// Creates a product.
    public init(subject: VEXSubject, subcomponents: [VEXSubject] = []) {
        self.subject = subject
        self.subcomponents = subcomponents
    }
}
