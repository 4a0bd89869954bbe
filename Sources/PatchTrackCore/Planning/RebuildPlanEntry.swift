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

    /// Plan order: wave, then priority (highest fixable severity, then number of fixable findings, then age, older
    /// first, unknown creation last), then digest.
    public static func precedes(_ lhs: RebuildPlanEntry, _ rhs: RebuildPlanEntry) -> Bool {
        if lhs.wave != rhs.wave { return lhs.wave < rhs.wave }
        let lhsSeverity = lhs.highestSeverity?.rank ?? -1
        let rhsSeverity = rhs.highestSeverity?.rank ?? -1
        if lhsSeverity != rhsSeverity { return lhsSeverity > rhsSeverity }
        let lhsCount = lhs.fixableFindings.count
        let rhsCount = rhs.fixableFindings.count
        if lhsCount != rhsCount { return lhsCount > rhsCount }
        switch (lhs.created, rhs.created) {
        case let (lhsCreated?, rhsCreated?) where lhsCreated != rhsCreated: return lhsCreated < rhsCreated
        case (.some, nil): return true
        case (nil, .some): return false
        default: return lhs.digest < rhs.digest
        }
    }
}
