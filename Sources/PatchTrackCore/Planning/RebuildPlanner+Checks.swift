import Foundation

// MARK: - One check per reason code

extension RebuildPlanner {
    /// `fixable_vulnerability`: the findings that the rules count, or a tally of why none counts.
    static func fixableOutcome(findings: [PlanFinding], rules: RebuildRules) -> CheckOutcome {
        let counted = findings.filter(rules.counts).sorted(by: PlanFinding.precedes)
        if !counted.isEmpty { return .reason(.fixableVulnerability(findings: counted)) }
        guard !findings.isEmpty else { return .passed(.fixableVulnerability, "no findings") }
        let suppressed = findings.filter(\.suppressedByVEX).count
        let open = findings.filter { !$0.suppressedByVEX }
        let below = open.filter { $0.severity < rules.minimumSeverity }.count
        let unfixed = open.filter { $0.severity >= rules.minimumSeverity && $0.fixedVersion == nil }.count
        var parts: [String] = []
        if suppressed > 0 { parts.append("\(suppressed) suppressed by VEX") }
        if below > 0 { parts.append("\(below) below \(rules.minimumSeverity.rawValue)") }
        if unfixed > 0 { parts.append("\(unfixed) without a fix (a fix is required)") }
        return .passed(.fixableVulnerability, "none of \(findings.count) finding(s) counts: " + parts.joined(separator: ", "))
    }

    /// `base_image_updated`: the base tag's current digest against the digest the image was built from.
    ///
    /// Any other digest counts as newer: the tag moved after the build (a tag moved back to an older digest is still
    /// a base the image was not built on).
    static func baseUpdatedOutcome(of image: PlanImage, tagHeads: [RepositoryTag: Digest]) -> CheckOutcome {
        guard let base = image.base else { return .passed(.baseImageUpdated, "no base image recorded") }
        guard let tag = base.tag else { return .passed(.baseImageUpdated, "the base tag is unknown") }
        let baseTag = RepositoryTag(repository: base.repository, tag: tag)
        guard let builtFrom = base.digest else {
            return .passed(.baseImageUpdated, "the digest of \(baseTag) the image was built from is unknown")
        }
        guard let current = tagHeads[baseTag] else {
            return .passed(.baseImageUpdated, "the digest \(baseTag) points to now is unknown")
        }
        guard current != builtFrom else {
            return .passed(.baseImageUpdated, "\(baseTag) still points to \(builtFrom), the digest the image was built from")
        }
        return .reason(.baseImageUpdated(base: baseTag, builtFrom: builtFrom, current: current))
    }

    /// `base_image_needs_rebuild`: whether the base the rebuild starts from is in the plan (planned before this image).
    static func baseRebuildOutcome(rebuildBase: Digest?, trackedBase: RepositoryName?, baseWave: Int?) -> CheckOutcome {
        guard let rebuildBase else {
            return .passed(.baseImageNeedsRebuild, "neither the base digest nor the base tag's current digest is known")
        }
        guard let trackedBase else {
            return .passed(.baseImageNeedsRebuild, "base \(rebuildBase) is not among the planned images")
        }
        guard let baseWave else {
            return .passed(.baseImageNeedsRebuild, "base \(trackedBase.value)@\(rebuildBase) needs no rebuild")
        }
        return .reason(.baseImageNeedsRebuild(base: rebuildBase, repository: trackedBase, baseWave: baseWave))
    }

    /// `max_age_exceeded`: more than `maximumAgeDays` × 24 h between creation and `now`.
    static func ageOutcome(of image: PlanImage, rules: RebuildRules, now: Date) -> CheckOutcome {
        guard let maximumAgeDays = rules.maximumAgeDays else {
            return .passed(.maxAgeExceeded, "no maximum age for \(image.repository.value)")
        }
        guard let created = image.created, let standing = ageStanding(of: image, rules: rules, now: now) else {
            return .passed(.maxAgeExceeded, "the creation time is unknown")
        }
        guard standing.exceeded else {
            return .passed(.maxAgeExceeded, "created \(max(standing.days, 0)) day(s) ago, within the maximum of \(maximumAgeDays)")
        }
        return .reason(.maxAgeExceeded(created: created, ageDays: standing.days, maximumAgeDays: maximumAgeDays))
    }

    /// Whole days since creation and whether that is past the maximum age: all the age check reads of `now`
    /// (`nil` without a creation time or a maximum).
    struct AgeStanding: Equatable, Sendable {
        let days: Int
        let exceeded: Bool
    }

    static func ageStanding(of image: PlanImage, rules: RebuildRules, now: Date) -> AgeStanding? {
        guard let maximumAgeDays = rules.maximumAgeDays, let created = image.created else { return nil }
        let seconds = now.timeIntervalSince(created)
        return AgeStanding(
            days: Int((seconds / secondsPerDay).rounded(.down)), exceeded: seconds > Double(maximumAgeDays) * secondsPerDay)
    }

    /// `untrusted_base`: the base repository against the trusted patterns (none trusts every base).
    static func trustOutcome(of image: PlanImage, rules: RebuildRules) -> CheckOutcome {
        guard let base = image.base else { return .passed(.untrustedBase, "no base image recorded") }
        let repository = base.repository
        guard !rules.trustedBasePatterns.isEmpty else {
            return .passed(.untrustedBase, "no trusted base patterns are set, so every base is trusted")
        }
        guard let pattern = rules.trustedBasePatterns.first(where: { $0.matches(repository) }) else {
            return .reason(.untrustedBase(repository: repository, trustedPatterns: rules.trustedBasePatterns))
        }
        return .passed(.untrustedBase, "base \(repository.value) matches trusted pattern \(pattern.text)")
    }

    /// `unsigned_base`: when the policy requires signed bases, the base the image was built from must be verified.
    static func signatureOutcome(of facts: RebuildPlanMemo.Facts) -> CheckOutcome {
        guard facts.rules.requireSignedBase else { return .passed(.unsignedBase, "signed bases are not required") }
        guard let base = facts.image.base else { return .passed(.unsignedBase, "no base image recorded") }
        guard let digest = facts.signedBaseDigest else {
            return .reason(.unsignedBase(base: nil, repository: base.repository, state: .unchecked))
        }
        let state = facts.baseSignature ?? .unchecked
        guard state == .verified else { return .reason(.unsignedBase(base: digest, repository: base.repository, state: state)) }
        return .passed(.unsignedBase, "base \(base.repository.value)@\(digest) is signed with a trusted key")
    }

    /// `requested`: the open requests, oldest first.
    static func requestOutcome(requests: [RebuildRequest]) -> CheckOutcome {
        guard !requests.isEmpty else { return .passed(.requested, "no open rebuild request") }
        return .reason(.requested(requests: requests.sorted(by: RebuildRequest.precedes)))
    }

    private static var secondsPerDay: Double { 86_400 }
}
