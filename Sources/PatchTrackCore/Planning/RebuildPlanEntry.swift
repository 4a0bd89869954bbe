import Foundation

/// One image to rebuild: every reason, and the wave it belongs to.
public struct RebuildPlanEntry: Hashable, Sendable {
    /// The image's digest.
    public var digest: Digest
    /// The image's repository.
    public var repository: RepositoryName
    /// The image's tags, sorted.
    public var tags: [String]
    /// When the image was created, when known.
    public var created: Date?
    /// The image it was built on, when known.
    public var base: ImageReference?
    /// 1 when the image's base needs nothing; one more than its base's wave otherwise.
    public var wave: Int
    /// Every reason, in ``RebuildReasonCode`` order; never empty.
    public var reasons: [RebuildReason]

    /// Creates an entry.
    public init(
        digest: Digest, repository: RepositoryName, tags: [String], created: Date?, base: ImageReference?, wave: Int,
        reasons: [RebuildReason]
    ) {
        self.digest = digest
        self.repository = repository
        self.tags = tags
        self.created = created
        self.base = base
        self.wave = wave
        self.reasons = reasons
    }

    /// The codes of `reasons`, in order.
    public var reasonCodes: [RebuildReasonCode] { reasons.map(\.code) }

    /// Whether the entry has a reason with `code`.
    public func has(_ code: RebuildReasonCode) -> Bool { reasons.contains { $0.code == code } }

    /// The findings that call for the rebuild (empty when the image has no `fixable_vulnerability` reason).
    public var fixableFindings: [PlanFinding] {
        for case .fixableVulnerability(let findings) in reasons { return findings }
        return []
    }

    /// The highest severity among the fixable findings, `nil` when there are none.
    public var highestSeverity: SeverityLevel? { fixableFindings.map(\.severity).max() }

    /// Whether a fixable finding's vulnerability is in CISA's KEV catalogue.
    public var kev: Bool { fixableFindings.contains { $0.kev } }

    /// The highest EPSS score among the fixable findings, `nil` when none has one.
    public var maxEPSS: Double? { fixableFindings.compactMap(\.epss).max() }

    /// Plan order: wave, then exploitation (a fixable finding in KEV, then one with a high EPSS score:
    /// ``ExploitSignals/exploitRank(kev:maxEPSS:)``), then priority (highest fixable severity, then number of fixable
    /// findings, then the highest EPSS score, then age, older first, unknown creation last), then digest.
    public static func precedes(_ lhs: RebuildPlanEntry, _ rhs: RebuildPlanEntry) -> Bool {
        SortKey(lhs).precedes(SortKey(rhs))
    }

    /// What ``precedes(_:_:)`` compares, read off an entry once: sorting a plan compares each entry many times, and
    /// the severity and count come from its findings.
    struct SortKey {
        let wave: Int
        let exploitRank: Int
        let severityRank: Int
        let fixableCount: Int
        let maxEPSS: Double
        let created: Date?
        let digest: Digest

        init(_ entry: RebuildPlanEntry) {
            let fixable = entry.fixableFindings
            wave = entry.wave
            let epss = fixable.compactMap(\.epss).max()
            exploitRank = ExploitSignals.exploitRank(kev: fixable.contains { $0.kev }, maxEPSS: epss)
            severityRank = fixable.map(\.severity).max()?.rank ?? -1
            fixableCount = fixable.count
            maxEPSS = epss ?? -1
            created = entry.created
            digest = entry.digest
        }

        func precedes(_ other: SortKey) -> Bool {
            if wave != other.wave { return wave < other.wave }
            if exploitRank != other.exploitRank { return exploitRank > other.exploitRank }
            if severityRank != other.severityRank { return severityRank > other.severityRank }
            if fixableCount != other.fixableCount { return fixableCount > other.fixableCount }
            if maxEPSS != other.maxEPSS { return maxEPSS > other.maxEPSS }
            switch (created, other.created) {
            case let (created?, otherCreated?) where created != otherCreated: return created < otherCreated
            case (.some, nil): return true
            case (nil, .some): return false
            default: return digest < other.digest
            }
        }
    }

    /// `entries` in plan order (``precedes(_:_:)``), each entry's key computed once.
    static func sortedInPlanOrder(_ entries: [RebuildPlanEntry]) -> [RebuildPlanEntry] {
        let keys = entries.map(SortKey.init)
        return entries.indices.sorted { keys[$0].precedes(keys[$1]) }.map { entries[$0] }
    }
}
