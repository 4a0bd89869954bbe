/// When an image must be rebuilt: default rules plus per-repository overrides.
public struct RebuildPolicy: Hashable, Sendable {
    /// The rules for repositories without an override.
    public var defaults: RebuildRules
    /// Per-repository changes to `defaults`; fields left `nil` inherit the default.
    public var overrides: [RepositoryName: RebuildRulesOverride]

    /// Creates a policy.
    public init(defaults: RebuildRules = RebuildRules(), overrides: [RepositoryName: RebuildRulesOverride] = [:]) {
        self.defaults = defaults
        self.overrides = overrides
    }

    /// The rules that apply to images in `repository`.
    public func rules(for repository: RepositoryName) -> RebuildRules {
        guard let override = overrides[repository] else { return defaults }
        var rules = defaults
        if let minimumSeverity = override.minimumSeverity { rules.minimumSeverity = minimumSeverity }
        if let requireFix = override.requireFix { rules.requireFix = requireFix }
        if let maximumAgeDays = override.maximumAgeDays { rules.maximumAgeDays = maximumAgeDays }
        if let trustedBasePatterns = override.trustedBasePatterns { rules.trustedBasePatterns = trustedBasePatterns }
        return rules
    }
}

/// The rules that decide whether one image must be rebuilt.
public struct RebuildRules: Hashable, Sendable {
    /// Findings below this severity do not call for a rebuild.
    public var minimumSeverity: SeverityLevel
    /// Whether a finding needs a fixed version to call for a rebuild.
    public var requireFix: Bool
    /// Images older than this many days must be rebuilt; `nil` sets no limit.
    public var maximumAgeDays: Int?
    /// Base repositories that are trusted; an empty list trusts every base.
    public var trustedBasePatterns: [RepositoryPattern]
    /// Whether an image's base must carry a signature verified with a trusted key (`unsigned_base` otherwise).
    public var requireSignedBase: Bool

    /// Creates rules; the defaults are high severity, fix required, 30 days, every base trusted, signatures not
    /// required.
    public init(
        minimumSeverity: SeverityLevel = .high, requireFix: Bool = true, maximumAgeDays: Int? = 30,
        trustedBasePatterns: [RepositoryPattern] = [], requireSignedBase: Bool = false
    ) {
        self.requireSignedBase = requireSignedBase
        self.minimumSeverity = minimumSeverity
        self.requireFix = requireFix
        self.maximumAgeDays = maximumAgeDays
        self.trustedBasePatterns = trustedBasePatterns
    }

    /// Whether `finding` calls for a rebuild under these rules: not suppressed by VEX, at or above the minimum
    /// severity, and with a fix when one is required.
    public func counts(_ finding: PlanFinding) -> Bool {
        !finding.suppressedByVEX && finding.severity >= minimumSeverity && (finding.fixedVersion != nil || !requireFix)
    }

    /// Whether images built on `repository` are built on a trusted base.
    public func trusts(_ repository: RepositoryName) -> Bool {
        trustedBasePatterns.isEmpty || trustedBasePatterns.contains { $0.matches(repository) }
    }
}

/// A per-repository change to ``RebuildRules``: each field left `nil` inherits the policy's default.
public struct RebuildRulesOverride: Hashable, Sendable {
    /// Replaces the minimum severity.
    public var minimumSeverity: SeverityLevel?
    /// Replaces whether a fix is required.
    public var requireFix: Bool?
    /// Replaces the maximum age: `.some(nil)` removes the limit, `nil` inherits it.
    public var maximumAgeDays: Int??
    /// Replaces the trusted base patterns (an empty list trusts every base).
    public var trustedBasePatterns: [RepositoryPattern]?

    /// Creates an override.
    public init(
        minimumSeverity: SeverityLevel? = nil, requireFix: Bool? = nil, maximumAgeDays: Int?? = nil,
        trustedBasePatterns: [RepositoryPattern]? = nil
    ) {
        self.minimumSeverity = minimumSeverity
        self.requireFix = requireFix
        self.maximumAgeDays = maximumAgeDays
        self.trustedBasePatterns = trustedBasePatterns
    }
}
