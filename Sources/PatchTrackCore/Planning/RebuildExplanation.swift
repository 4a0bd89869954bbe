/// The answer to "does this image need a rebuild, and why (not)?".
public enum RebuildExplanation: Hashable, Sendable {
    /// The image is in the plan: its entry, with every reason.
    case rebuild(RebuildPlanEntry)
    /// The image needs nothing: every check passed, one per reason code, in code order.
    case needsNothing(digest: Digest, checks: [PlanCheck])

    /// Whether the image needs a rebuild.
    public var needsRebuild: Bool {
        if case .rebuild = self { return true }
        return false
    }
}

/// One check that passed for an image: which reason it looked for and why that reason does not apply.
public struct PlanCheck: Hashable, Sendable, CustomStringConvertible {
    /// The reason the check looks for.
    public var name: RebuildReasonCode
    /// Why the reason does not apply, for people.
    public var detail: String

    /// Creates a passed check.
    public init(name: RebuildReasonCode, detail: String) {
        self.name = name
        self.detail = detail
    }

    public var description: String { "\(name.rawValue): \(detail)" }
}
