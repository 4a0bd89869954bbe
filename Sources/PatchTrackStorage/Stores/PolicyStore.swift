import Foundation
import PatchTrackCore

/// Days allowed to patch a finding, per severity.

/// The policy defaults as stored.
public struct StoredPolicyDefaults: Sendable, Equatable {
    /// The rebuild rules for repositories without an override.
    public var rules: RebuildRules
    /// Days to patch per severity.
    public var sla: ServiceLevel
    /// When the defaults last changed (RFC 3339); nil while they are the built-in ones.
    public var updatedAt: String?
    /// The keys image signatures are verified with.
    public var trustedKeys: [TrustedKey] = []
}

/// One repository's override as stored.
public struct StoredRepositoryPolicy: Sendable, Equatable {
    /// The normalised repository name.
    public var repository: String
    /// The changes to the defaults.
    public var override: RebuildRulesOverride
    /// When it last changed (RFC 3339).
    public var updatedAt: String
}

/// The whole policy: defaults and every override, by repository name.
public struct StoredPolicy: Sendable, Equatable {
    public var defaults: StoredPolicyDefaults
    public var overrides: [StoredRepositoryPolicy]

    /// The policy as rebuild planning takes it.
    public var rebuildPolicy: RebuildPolicy {
        var overrides: [RepositoryName: RebuildRulesOverride] = [:]
        for stored in self.overrides {
            guard let name = try? RepositoryName(parsing: stored.repository) else { continue }
            overrides[name] = stored.override
        }
        return RebuildPolicy(defaults: defaults.rules, overrides: overrides)
    }
}

/// One audited policy change.
public struct PolicyChange: Sendable, Equatable {
    public var id: Int64
    /// nil for the defaults.
    public var repository: String?
    public var tokenID: Int64?
    public var tokenName: String
    public var changedAt: String
    /// The policy before, as JSON; nil when there was none.
    public var oldValue: String?
    /// The policy after, as JSON.
    public var newValue: String
}

/// The rebuild policy: defaults (Core's until an admin changes them) and per-repository overrides, with an audit
/// trail of every change.
public struct PolicyStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps changes.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// The defaults and every repository override.
    public func policy() async throws -> StoredPolicy {
        try await context.executor.read { session in try Self.loadPolicy(session) }
    }

    /// Changes the defaults with `change` (which sees the current ones) and audits the change as `token`.
    /// `trustedKeys` replace the stored keys when given.
    public func updateDefaults(
        by token: TokenInfo, trustedKeys: [TrustedKey]? = nil,
        _ change: @escaping @Sendable (inout RebuildRules, inout ServiceLevel) -> Void
    ) async throws -> StoredPolicy {
        let now = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            try session.serialize(on: .policy)
            let old = try Self.loadDefaults(session)
            var rules = old.rules
            var sla = old.sla
            change(&rules, &sla)
            let keys = trustedKeys ?? old.trustedKeys
            let keysChangedAt = keys == old.trustedKeys ? nil : now
            // The row exists only once the defaults were changed: until then Core's defaults apply.
            try session.execute(
                """
                INSERT INTO rebuildPolicy (id, minimumSeverity, requireFix, maximumAgeDays, trustedBasePatterns,
                    slaCriticalDays, slaHighDays, slaMediumDays, slaLowDays, slaKevDays, updatedAt, trustedKeys, requireSignedBase,
                    trustedKeysChangedAt)
                VALUES (1, \(rules.minimumSeverity.rawValue), \(rules.requireFix), \(rules.maximumAgeDays),
                    \(try Self.json(rules.trustedBasePatterns.map(\.text))), \(sla.criticalDays), \(sla.highDays),
                    \(sla.mediumDays), \(sla.lowDays), \(sla.kevDays), \(now), \(try Self.json(keys)), \(rules.requireSignedBase),
                    \(keysChangedAt))
                ON CONFLICT (id) DO UPDATE SET minimumSeverity = excluded.minimumSeverity,
                    requireFix = excluded.requireFix, maximumAgeDays = excluded.maximumAgeDays,
                    trustedBasePatterns = excluded.trustedBasePatterns, slaCriticalDays = excluded.slaCriticalDays,
                    slaHighDays = excluded.slaHighDays, slaMediumDays = excluded.slaMediumDays,
                    slaLowDays = excluded.slaLowDays, slaKevDays = excluded.slaKevDays, updatedAt = excluded.updatedAt,
                    trustedKeys = excluded.trustedKeys, requireSignedBase = excluded.requireSignedBase,
                    trustedKeysChangedAt = coalesce(excluded.trustedKeysChangedAt, rebuildPolicy.trustedKeysChangedAt)
                """)
            let new = StoredPolicyDefaults(rules: rules, sla: sla, updatedAt: now, trustedKeys: keys)
            try Self.audit(
                session, repository: nil, token: token, now: now, old: try Self.json(AuditedDefaults(old)),
                new: try Self.json(AuditedDefaults(new)))
            return try Self.loadPolicy(session)
        }
    }

    /// Replaces the override of `repository` (a normalised name) and audits the change as `token`.
    public func setOverride(
        repository: String, override: RebuildRulesOverride, by token: TokenInfo
    ) async throws -> StoredRepositoryPolicy {
        let now = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            try session.serialize(on: .policy)
            let old = try Self.loadOverrides(session, repository: repository).first
            let maximumAge: String
            switch override.maximumAgeDays {
            case .none: maximumAge = "inherit"
            case .some(.none): maximumAge = "none"
            case .some(.some): maximumAge = "days"
            }
            let maximumAgeDays: Int? = override.maximumAgeDays ?? nil
            try session.execute(
                """
                INSERT INTO repositoryPolicy (repository, minimumSeverity, requireFix, maximumAge, maximumAgeDays,
                    trustedBasePatterns, updatedAt)
                VALUES (\(repository), \(override.minimumSeverity?.rawValue), \(override.requireFix), \(maximumAge),
                    \(maximumAgeDays), \(try override.trustedBasePatterns.map { try Self.json($0.map(\.text)) }), \(now))
                ON CONFLICT (repository) DO UPDATE SET minimumSeverity = excluded.minimumSeverity,
                    requireFix = excluded.requireFix, maximumAge = excluded.maximumAge,
                    maximumAgeDays = excluded.maximumAgeDays, trustedBasePatterns = excluded.trustedBasePatterns,
                    updatedAt = excluded.updatedAt
                """)
            let stored = StoredRepositoryPolicy(repository: repository, override: override, updatedAt: now)
            try Self.audit(
                session, repository: repository, token: token, now: now,
                old: try old.map { try Self.json(AuditedOverride($0)) }, new: try Self.json(AuditedOverride(stored)))
            return stored
        }
    }

    /// Every audited change, oldest first.
    public func changes() async throws -> [PolicyChange] {
        try await context.executor.read { session in
            try session.fetchAll(
                "SELECT id, repository, tokenId, tokenName, changedAt, oldValue, newValue FROM policyChange ORDER BY id"
            ).map { row in
                PolicyChange(
                    id: try row.decode("id"), repository: try row.decode("repository"), tokenID: try row.decode("tokenId"),
                    tokenName: try row.decode("tokenName"), changedAt: try row.decode("changedAt"),
                    oldValue: try row.decode("oldValue"), newValue: try row.decode("newValue"))
            }
        }
    }

    // MARK: - Steps

    static func loadPolicy(_ session: any SQLSession) throws -> StoredPolicy {
        StoredPolicy(defaults: try loadDefaults(session), overrides: try loadOverrides(session, repository: nil))
    }

    /// The defaults: the stored row once an admin changed them, Core's defaults until then.
    static func loadDefaults(_ session: any SQLSession) throws -> StoredPolicyDefaults {
        guard let row = try session.fetchOne(
            """
            SELECT minimumSeverity, requireFix, maximumAgeDays, trustedBasePatterns, slaCriticalDays, slaHighDays,
                slaMediumDays, slaLowDays, slaKevDays, updatedAt, trustedKeys, requireSignedBase
            FROM rebuildPolicy WHERE id = 1
            """)
        else {
            return StoredPolicyDefaults(rules: RebuildRules(), sla: ServiceLevel(), updatedAt: nil)
        }
        let rules = RebuildRules(
            minimumSeverity: SeverityLevel(rawValue: try row.decode("minimumSeverity")) ?? RebuildRules().minimumSeverity,
            requireFix: try row.decode("requireFix"), maximumAgeDays: try row.decode("maximumAgeDays"),
            trustedBasePatterns: patterns(try row.decode("trustedBasePatterns")) ?? [],
            requireSignedBase: try row.decode("requireSignedBase"))
        let sla = ServiceLevel(
            criticalDays: try row.decode("slaCriticalDays"), highDays: try row.decode("slaHighDays"),
            mediumDays: try row.decode("slaMediumDays"), lowDays: try row.decode("slaLowDays"),
            kevDays: try row.decode("slaKevDays", as: Int?.self) ?? ServiceLevel().kevDays)
        return StoredPolicyDefaults(
            rules: rules, sla: sla, updatedAt: try row.decode("updatedAt"),
            trustedKeys: try StoredJSON.decode([TrustedKey].self, from: try row.decode("trustedKeys")))
    }

    /// Overrides by repository name; only that of `repository` when given.
    static func loadOverrides(_ session: any SQLSession, repository: String?) throws -> [StoredRepositoryPolicy] {
        try session.fetchAll(
            """
            SELECT repository, minimumSeverity, requireFix, maximumAge, maximumAgeDays, trustedBasePatterns, updatedAt
            FROM repositoryPolicy WHERE \(repository) IS NULL OR repository = \(repository) ORDER BY repository
            """
        ).map { row in
            let maximumAge: String = try row.decode("maximumAge")
            let days: Int? = try row.decode("maximumAgeDays")
            let override = RebuildRulesOverride(
                minimumSeverity: (try row.decode("minimumSeverity", as: String?.self)).flatMap(SeverityLevel.init(rawValue:)),
                requireFix: try row.decode("requireFix"),
                maximumAgeDays: maximumAge == "inherit" ? nil : .some(maximumAge == "none" ? nil : days),
                trustedBasePatterns: patterns(try row.decode("trustedBasePatterns")))
            return StoredRepositoryPolicy(
                repository: try row.decode("repository"), override: override, updatedAt: try row.decode("updatedAt"))
        }
    }

    private static func patterns(_ json: String?) -> [RepositoryPattern]? {
        guard let json else { return nil }
        let texts = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
        return texts.map { RepositoryPattern($0) }
    }

    private static func audit(
        _ session: any SQLSession, repository: String?, token: TokenInfo, now: String, old: String?, new: String
    ) throws {
        try session.execute(
            """
            INSERT INTO policyChange (repository, tokenId, tokenName, changedAt, oldValue, newValue)
            VALUES (\(repository), \(token.id), \(token.name), \(now), \(old), \(new))
            """)
    }

    static func json(_ value: some Encodable) throws -> String {
        try StoredJSON.text(value)
    }
}

// MARK: - Audit documents

/// The defaults as written to the audit trail.
private struct AuditedDefaults: Encodable {
    let minSeverity: String
    let requireFix: Bool
    let maxAgeDays: Int?
    let trustedBaseRepositories: [String]
    let slaDays: ServiceLevel
    let kevSLADays: Int
    let requireSignedBase: Bool
    /// Names only: the keys themselves are public, but long.
    let trustedKeys: [String]

    init(_ defaults: StoredPolicyDefaults) {
        requireSignedBase = defaults.rules.requireSignedBase
        trustedKeys = defaults.trustedKeys.map(\.name)
        minSeverity = defaults.rules.minimumSeverity.rawValue
        requireFix = defaults.rules.requireFix
        maxAgeDays = defaults.rules.maximumAgeDays
        trustedBaseRepositories = defaults.rules.trustedBasePatterns.map(\.text)
        slaDays = defaults.sla
        kevSLADays = defaults.sla.kevDays
    }

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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(minSeverity, forKey: .minSeverity)
        try container.encode(requireFix, forKey: .requireFix)
        try container.encode(maxAgeDays, forKey: .maxAgeDays)
        try container.encode(trustedBaseRepositories, forKey: .trustedBaseRepositories)
        try container.encode(slaDays, forKey: .slaDays)
        try container.encode(kevSLADays, forKey: .kevSLADays)
        try container.encode(requireSignedBase, forKey: .requireSignedBase)
        try container.encode(trustedKeys, forKey: .trustedKeys)
    }
}

/// An override as written to the audit trail: inherited rules are left out; a removed maximum age is null.
private struct AuditedOverride: Encodable {
    let stored: StoredRepositoryPolicy

    init(_ stored: StoredRepositoryPolicy) {
        self.stored = stored
    }

    enum CodingKeys: String, CodingKey {
        case repository
        case minSeverity = "min_severity"
        case requireFix = "require_fix"
        case maxAgeDays = "max_age_days"
        case trustedBaseRepositories = "trusted_base_repositories"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let override = stored.override
        try container.encode(stored.repository, forKey: .repository)
        try container.encodeIfPresent(override.minimumSeverity?.rawValue, forKey: .minSeverity)
        try container.encodeIfPresent(override.requireFix, forKey: .requireFix)
        if let maximumAgeDays = override.maximumAgeDays { try container.encode(maximumAgeDays, forKey: .maxAgeDays) }
        try container.encodeIfPresent(override.trustedBasePatterns?.map(\.text), forKey: .trustedBaseRepositories)
    }
}
