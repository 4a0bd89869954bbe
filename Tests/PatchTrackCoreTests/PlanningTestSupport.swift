import Foundation

import PatchTrackCore

/// Builders for rebuild-planning tests: readable digests, repositories, dates and images.
enum PlanningSamples {
    /// A fixed "now": 2026-11-27T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_795_780_800)

    /// The time `days` days before `now`.
    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    /// A valid digest whose hex spells `label` (ASCII hex, zero-padded), so digests sort like their labels.
    static func digest(_ label: String) throws -> Digest {
        let hex = label.utf8.map { String($0, radix: 16) }.joined()
        return try Digest(parsing: "sha256:" + hex + String(repeating: "0", count: 64 - hex.count))
    }

    /// A normalised repository name.
    static func repository(_ name: String) throws -> RepositoryName { try RepositoryName(parsing: name) }

    /// An image labelled `label` in `repository`, built on `base` (a reference such as `debian:bookworm@<digest>`).
    static func image(
        _ label: String, in repository: String = "registry.example.com/app", tags: [String] = ["latest"],
        createdDaysAgo: Double? = 1, base: ImageReference? = nil
    ) throws -> PlanImage {
        PlanImage(
            digest: try digest(label), repository: try self.repository(repository), tags: tags,
            created: createdDaysAgo.map(daysAgo), base: base)
    }

    /// A base reference to `repository:tag@digest(label)`; the tag and the digest are optional.
    static func base(_ repository: String, tag: String? = nil, label: String?) throws -> ImageReference {
        ImageReference(repository: try self.repository(repository), tag: tag, digest: try label.map(digest))
    }

    /// A fixable finding of `severity`.
    static func finding(
        _ advisory: String, _ severity: SeverityLevel, package: String = "openssl", installed: String = "3.0.11-1",
        fixed: String? = "3.0.13-1", suppressed: Bool = false, origin: LayerOrigin = .unknown
    ) -> PlanFinding {
        PlanFinding(
            advisoryID: advisory, package: package, installedVersion: installed, fixedVersion: fixed, severity: severity,
            suppressedByVEX: suppressed, layerOrigin: origin)
    }

    /// Plans `images` with the other inputs at their defaults unless given.
    static func plan(
        _ images: [PlanImage], tagHeads: [RepositoryTag: Digest] = [:], findings: [Digest: [PlanFinding]] = [:],
        requests: [Digest: [RebuildRequest]] = [:], policy: RebuildPolicy = RebuildPolicy()
    ) throws -> RebuildPlan {
        try RebuildPlanner.plan(
            RebuildPlanInput(images: images, tagHeads: tagHeads, findings: findings, requests: requests, policy: policy, now: now))
    }
}
