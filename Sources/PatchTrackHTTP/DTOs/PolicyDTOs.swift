import Crypto
import Foundation
import PatchTrackCore
import PatchTrackStorage

/// A JSON field that distinguishes "absent" from "null": `PUT` bodies keep what is absent and clear what is null.
enum Presence<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)
}

extension KeyedDecodingContainer {
    func decodePresence<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Presence<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}

/// Body of `PUT /v1/policy`: absent (or null) fields keep their value, except `max_age_days`, where null removes the
/// limit.
struct PolicyUpdateRequest: Decodable {
    struct SLA: Decodable {
        let critical: Int?
        let high: Int?
        let medium: Int?
        let low: Int?
    }

    let minSeverity: String?
    let requireFix: Bool?
    let maxAgeDays: Presence<Int>
    let trustedBaseRepositories: [String]?
    let slaDays: SLA?
    let kevSLADays: Int?
    let requireSignedBase: Bool?
    /// The keys image signatures are verified with; replaces the list when given.
    let trustedKeys: [TrustedKey]?

    enum CodingKeys: String, CodingKey {
        case minSeverity = "min_severity"
        case requireFix = "require_fix"
        case maxAgeDays = "max_age_days"
        case trustedBaseRepositories = "trusted_base_repositories"
        case slaDays = "sla_days"
        case kevSLADays = "kev_sla_days"
        case requireSignedBase = "require_signed_base"
        case trustedKeys = "trusted_keys"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minSeverity = try container.decodeIfPresent(String.self, forKey: .minSeverity)
        requireFix = try container.decodeIfPresent(Bool.self, forKey: .requireFix)
        maxAgeDays = try container.decodePresence(Int.self, forKey: .maxAgeDays)
        trustedBaseRepositories = try container.decodeIfPresent([String].self, forKey: .trustedBaseRepositories)
        slaDays = try container.decodeIfPresent(SLA.self, forKey: .slaDays)
        kevSLADays = try container.decodeIfPresent(Int.self, forKey: .kevSLADays)
        requireSignedBase = try container.decodeIfPresent(Bool.self, forKey: .requireSignedBase)
        trustedKeys = try container.decodeIfPresent([TrustedKey].self, forKey: .trustedKeys)
    }

    /// The trusted keys, validated: 1 to 63 characters of name, unique, and an ECDSA P-256 public key in PEM.
    func validatedKeys() throws -> [TrustedKey]? {
        guard let trustedKeys else { return nil }
        guard trustedKeys.count <= 100 else { throw ProblemDetails.invalidField("trusted_keys", "at most 100 keys") }
        var errors: [ProblemDetails.FieldError] = []
        var names: Set<String> = []
        for (index, key) in trustedKeys.enumerated() {
            if key.name.isEmpty || key.name.count > 63 {
                errors.append(.init(field: "trusted_keys[\(index)].name", message: "must be 1 to 63 characters"))
            } else if !names.insert(key.name).inserted {
                errors.append(.init(field: "trusted_keys[\(index)].name", message: "another key has the name \(key.name)"))
            }
            if key.publicKeyPEM.utf8.count > 8_192 || (try? P256.Signing.PublicKey(pemRepresentation: key.publicKeyPEM)) == nil {
                errors.append(.init(field: "trusted_keys[\(index)].public_key_pem", message: "must be an ECDSA P-256 public key in PEM (cosign.pub)"))
            }
        }
        guard errors.isEmpty else {
            throw ProblemDetails.validation(listing: errors, detail: "\(errors.count) invalid trusted key field(s)")
        }
        return trustedKeys
    }

    /// Validates every field and returns the change to apply to the current defaults.
    func change() throws -> @Sendable (inout RebuildRules, inout ServiceLevel) -> Void {
        var errors: [ProblemDetails.FieldError] = []
        let severity = PolicyValidation.severity(minSeverity, field: "min_severity", errors: &errors)
        let patterns = PolicyValidation.patterns(trustedBaseRepositories, field: "trusted_base_repositories", errors: &errors)
        var maximumAge: Int?? = nil
        switch maxAgeDays {
        case .absent: break
        case .null: maximumAge = .some(nil)
        case .value(let days): maximumAge = PolicyValidation.days(days, field: "max_age_days", errors: &errors).map { .some($0) }
        }
        let sla = slaDays
        for (name, value) in [("critical", sla?.critical), ("high", sla?.high), ("medium", sla?.medium), ("low", sla?.low)] {
            if let value { _ = PolicyValidation.days(value, field: "sla_days.\(name)", errors: &errors) }
        }
        if let value = kevSLADays {
            _ = PolicyValidation.days(value, field: "kev_sla_days", errors: &errors)
        }
        guard errors.isEmpty else { throw ProblemDetails.validation(errors) }
        let requireFix = self.requireFix
        let requireSignedBase = self.requireSignedBase
        let newMaximumAge = maximumAge
        return { rules, days in
            if let severity { rules.minimumSeverity = severity }
            if let requireSignedBase { rules.requireSignedBase = requireSignedBase }
            if let requireFix { rules.requireFix = requireFix }
            if let newMaximumAge { rules.maximumAgeDays = newMaximumAge }
            if let patterns { rules.trustedBasePatterns = patterns }
            if let value = sla?.critical { days.criticalDays = value }
            if let value = sla?.high { days.highDays = value }
            if let value = sla?.medium { days.mediumDays = value }
            if let value = sla?.low { days.lowDays = value }
            if let value = kevSLADays { days.kevDays = value }
        }
    }
}

/// Body of `PUT /v1/repositories/{name}/policy`: the repository's whole override. Absent (or null) rules inherit the
/// default, except `max_age_days`, where null removes the limit for the repository.
struct RepositoryPolicyRequest: Decodable {
    let minSeverity: String?
    let requireFix: Bool?
    let maxAgeDays: Presence<Int>
    let trustedBaseRepositories: [String]?

    enum CodingKeys: String, CodingKey {
        case minSeverity = "min_severity"
        case requireFix = "require_fix"
        case maxAgeDays = "max_age_days"
        case trustedBaseRepositories = "trusted_base_repositories"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minSeverity = try container.decodeIfPresent(String.self, forKey: .minSeverity)
        requireFix = try container.decodeIfPresent(Bool.self, forKey: .requireFix)
        maxAgeDays = try container.decodePresence(Int.self, forKey: .maxAgeDays)
        trustedBaseRepositories = try container.decodeIfPresent([String].self, forKey: .trustedBaseRepositories)
    }

    /// Validates every field and returns the override.
    func override() throws -> RebuildRulesOverride {
        var errors: [ProblemDetails.FieldError] = []
        let severity = PolicyValidation.severity(minSeverity, field: "min_severity", errors: &errors)
        let patterns = PolicyValidation.patterns(trustedBaseRepositories, field: "trusted_base_repositories", errors: &errors)
        var maximumAge: Int?? = nil
        switch maxAgeDays {
        case .absent: break
        case .null: maximumAge = .some(nil)
        case .value(let days): maximumAge = PolicyValidation.days(days, field: "max_age_days", errors: &errors).map { .some($0) }
        }
        guard errors.isEmpty else { throw ProblemDetails.validation(errors) }
        return RebuildRulesOverride(
            minimumSeverity: severity, requireFix: requireFix, maximumAgeDays: maximumAge, trustedBasePatterns: patterns)
    }
}

/// Field checks shared by the policy bodies.
enum PolicyValidation {
    static func severity(_ text: String?, field: String, errors: inout [ProblemDetails.FieldError]) -> SeverityLevel? {
        guard let text else { return nil }
        guard let severity = SeverityLevel(rawValue: text) else {
            errors.append(.init(field: field, message: "must be one of unknown, low, medium, high, critical"))
            return nil
        }
        return severity
    }

    static func days(_ value: Int, field: String, errors: inout [ProblemDetails.FieldError]) -> Int? {
        guard (0...36_500).contains(value) else {
            errors.append(.init(field: field, message: "must be a whole number of days from 0 to 36500"))
            return nil
        }
        return value
    }

    /// Patterns are written against normalised repository names: printable ASCII without spaces, 1…255 characters.
    static func patterns(_ texts: [String]?, field: String, errors: inout [ProblemDetails.FieldError]) -> [RepositoryPattern]? {
        guard let texts else { return nil }
        if texts.count > 1000 { errors.append(.init(field: field, message: "must have at most 1000 patterns")) }
        for (index, text) in texts.enumerated()
        where text.isEmpty || text.utf8.count > 255 || !text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
            errors.append(.init(field: "\(field)[\(index)]", message: "must be 1 to 255 printable characters without spaces"))
        }
        return texts.map { RepositoryPattern($0) }
    }
}

/// The rules of one scope, as answered.
struct RulesResponse: Encodable {
    let minSeverity: String
    let requireFix: Bool
    let maxAgeDays: Int?
    let trustedBaseRepositories: [String]
    let requireSignedBase: Bool

    enum CodingKeys: String, CodingKey {
        case minSeverity = "min_severity"
        case requireFix = "require_fix"
        case maxAgeDays = "max_age_days"
        case trustedBaseRepositories = "trusted_base_repositories"
        case requireSignedBase = "require_signed_base"
    }

    init(_ rules: RebuildRules) {
        requireSignedBase = rules.requireSignedBase
        minSeverity = rules.minimumSeverity.rawValue
        requireFix = rules.requireFix
        maxAgeDays = rules.maximumAgeDays
        trustedBaseRepositories = rules.trustedBasePatterns.map(\.text)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(minSeverity, forKey: .minSeverity)
        try container.encode(requireFix, forKey: .requireFix)
        try container.encode(maxAgeDays, forKey: .maxAgeDays)
        try container.encode(trustedBaseRepositories, forKey: .trustedBaseRepositories)
        try container.encode(requireSignedBase, forKey: .requireSignedBase)
    }
}

/// One repository's override: the rules it sets (inherited ones absent; a removed maximum age is null) and the
/// rules in effect.
struct RepositoryPolicyResponse: Encodable {
    let repository: String
    /// nil when the repository has no override.
    let stored: StoredRepositoryPolicy?
    let effective: RebuildRules

    enum CodingKeys: String, CodingKey {
        case repository, effective
        case minSeverity = "min_severity"
        case requireFix = "require_fix"
        case maxAgeDays = "max_age_days"
        case trustedBaseRepositories = "trusted_base_repositories"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(repository, forKey: .repository)
        try container.encode(RulesResponse(effective), forKey: .effective)
        guard let stored else { return }
        let override = stored.override
        try container.encodeIfPresent(override.minimumSeverity?.rawValue, forKey: .minSeverity)
        try container.encodeIfPresent(override.requireFix, forKey: .requireFix)
        if let maximumAgeDays = override.maximumAgeDays { try container.encode(maximumAgeDays, forKey: .maxAgeDays) }
        try container.encodeIfPresent(override.trustedBasePatterns?.map(\.text), forKey: .trustedBaseRepositories)
        try container.encode(stored.updatedAt, forKey: .updatedAt)
    }
}

/// `GET /v1/policy`: the defaults, the SLA days and every repository override.
struct PolicyResponse: Encodable {
    let policy: StoredPolicy

    struct SLA: Encodable {
        let critical: Int
        let high: Int
        let medium: Int
        let low: Int
    }

    enum CodingKeys: String, CodingKey {
        case repositories
        case slaDays = "sla_days"
        case kevSLADays = "kev_sla_days"
        case updatedAt = "updated_at"
        case trustedKeys = "trusted_keys"
    }

    func encode(to encoder: any Encoder) throws {
        try RulesResponse(policy.defaults.rules).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        let sla = policy.defaults.sla
        try container.encode(SLA(critical: sla.criticalDays, high: sla.highDays, medium: sla.mediumDays, low: sla.lowDays), forKey: .slaDays)
        try container.encode(sla.kevDays, forKey: .kevSLADays)
        try container.encode(policy.defaults.updatedAt, forKey: .updatedAt)
        try container.encode(policy.defaults.trustedKeys, forKey: .trustedKeys)
        let rebuildPolicy = policy.rebuildPolicy
        let repositories = policy.overrides.map { stored in
            RepositoryPolicyResponse(
                repository: stored.repository, stored: stored,
                effective: (try? RepositoryName(parsing: stored.repository)).map(rebuildPolicy.rules(for:)) ?? policy.defaults.rules)
        }
        try container.encode(repositories, forKey: .repositories)
    }
}
