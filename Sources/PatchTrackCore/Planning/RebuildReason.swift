import Foundation

/// The machine-readable name of a reason to rebuild an image (and of the check that looks for it).
public enum RebuildReasonCode: String, CaseIterable, Comparable, Sendable {
    /// Findings at or above the policy severity have a fix (or no fix is required) and are not suppressed by VEX.
    case fixableVulnerability = "fixable_vulnerability"
    /// The base tag now points to another digest than the one the image was built from.
    case baseImageUpdated = "base_image_updated"
    /// The base the image's rebuild starts from is itself in the plan; the image is rebuilt after it.
    case baseImageNeedsRebuild = "base_image_needs_rebuild"
    /// The image is older than the policy allows.
    case maxAgeExceeded = "max_age_exceeded"
    /// The base repository matches no trusted pattern.
    case untrustedBase = "untrusted_base"
    /// The policy requires signed bases and the image's base is not verified.
    case unsignedBase = "unsigned_base"
    /// Someone asked for a rebuild.
    case requested

    /// The position in declaration order: the order reasons and checks are listed in.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: RebuildReasonCode, rhs: RebuildReasonCode) -> Bool { lhs.order < rhs.order }
}

/// Why an image must be rebuilt, with the facts behind it.
public enum RebuildReason: Hashable, Sendable {
    /// The findings that call for a rebuild, highest severity first.
    case fixableVulnerability(findings: [PlanFinding])
    /// `base` pointed to `builtFrom` when the image was built and points to `current` now.
    case baseImageUpdated(base: RepositoryTag, builtFrom: Digest, current: Digest)
    /// The base the image's rebuild starts from, `base` (in `repository`), is rebuilt in wave `baseWave`.
    case baseImageNeedsRebuild(base: Digest, repository: RepositoryName, baseWave: Int)
    /// The image was created `ageDays` whole days ago, more than `maximumAgeDays`.
    case maxAgeExceeded(created: Date, ageDays: Int, maximumAgeDays: Int)
    /// The base repository matches none of `trustedPatterns`.
    case untrustedBase(repository: RepositoryName, trustedPatterns: [RepositoryPattern])
    /// The base `repository`@`base` (the digest the image was built from; nil when unknown) is not verified: `state`.
    case unsignedBase(base: Digest?, repository: RepositoryName, state: SignatureState)
    /// The open requests, oldest first.
    case requested(requests: [RebuildRequest])

    /// The reason's code.
    public var code: RebuildReasonCode {
        switch self {
        case .fixableVulnerability: .fixableVulnerability
        case .baseImageUpdated: .baseImageUpdated
        case .baseImageNeedsRebuild: .baseImageNeedsRebuild
        case .maxAgeExceeded: .maxAgeExceeded
        case .untrustedBase: .untrustedBase
        case .unsignedBase: .unsignedBase
        case .requested: .requested
        }
    }

    /// A one-line human-readable account of the reason.
    public var summary: String {
        switch self {
        case .fixableVulnerability(let findings):
            let worst = findings.map(\.severity).max() ?? .unknown
            return "\(findings.count) finding(s) call for a rebuild, the worst \(worst.rawValue)"
        case .baseImageUpdated(let base, let builtFrom, let current):
            return "\(base) moved from \(builtFrom) (built from) to \(current)"
        case .baseImageNeedsRebuild(let base, let repository, let baseWave):
            return "base \(repository.value)@\(base) is rebuilt in wave \(baseWave)"
        case .maxAgeExceeded(_, let ageDays, let maximumAgeDays):
            return "created \(ageDays) day(s) ago, more than the maximum of \(maximumAgeDays)"
        case .untrustedBase(let repository, let trustedPatterns):
            return "base \(repository.value) matches none of \(trustedPatterns.map(\.text).joined(separator: ", "))"
        case .unsignedBase(let base, let repository, let state):
            return "base \(repository.value)\(base.map { "@\($0)" } ?? "") is not signed with a trusted key (\(state.rawValue))"
        case .requested(let requests):
            return "requested by \(requests.map(\.requestedBy).joined(separator: ", "))"
        }
    }
}
