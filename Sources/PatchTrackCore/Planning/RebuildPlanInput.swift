import Foundation

/// Everything rebuild planning looks at: plain values, read from storage by the caller.
public struct RebuildPlanInput: Sendable {
    /// The images that count (e.g. tagged or running); bases are ordinary images in this list when tracked.
    public var images: [PlanImage]
    /// The digest each base repository tag points to now.
    public var tagHeads: [RepositoryTag: Digest]
    /// Each image's findings, by image digest.
    public var findings: [Digest: [PlanFinding]]
    /// Each image's open rebuild requests, by image digest.
    public var requests: [Digest: [RebuildRequest]]
    /// The signature state of images that were checked, by digest (the others are `unchecked`).
    public var signatures: [Digest: SignatureState]
    /// The rebuild policy.
    public var policy: RebuildPolicy
    /// The time ages are measured at.
    public var now: Date

    /// Creates an input.
    public init(
        images: [PlanImage], tagHeads: [RepositoryTag: Digest] = [:], findings: [Digest: [PlanFinding]] = [:],
        requests: [Digest: [RebuildRequest]] = [:], signatures: [Digest: SignatureState] = [:], policy: RebuildPolicy = RebuildPolicy(),
        now: Date
    ) {
        self.signatures = signatures
        self.images = images
        self.tagHeads = tagHeads
        self.findings = findings
        self.requests = requests
        self.policy = policy
        self.now = now
    }
}
