/// Where a rollout stands, in the words rollout controllers (Argo Rollouts, Flagger) report.
public enum RolloutState: String, CaseIterable, Sendable, Codable {
    /// Moving replicas to the new digest.
    case progressing
    /// Held at a step (for analysis or by hand).
    case paused
    /// The canary phase passed; going to full weight.
    case promoted
    /// Every replica runs the new digest.
    case completed
    /// Stopped before completion; replicas went back.
    case aborted
    /// Reverted after completion or promotion.
    case rolledBack = "rolled_back"

    /// Still moving or waiting: `progressing`, `paused`, `promoted`.
    public var isActive: Bool { !isFinished }

    /// Ended: `completed`, `aborted`, `rolled_back`.
    public var isFinished: Bool { self == .completed || self == .aborted || self == .rolledBack }

    /// Whether the canary phase is over (`promoted` or `completed`).
    public var endsCanary: Bool { self == .promoted || self == .completed }

    /// The states a client may filter on: each state, plus `active` and `finished`.
    public static let listFilterNames = ["active", "finished"] + allCases.map(\.rawValue)
}

/// The share (0–100, rounded down) of `total` replicas that `part` represents; 0 when there are none.
public func replicaShare(_ part: Int, of total: Int) -> Int {
    guard total > 0 else { return 0 }
    return min(100, max(0, part * 100 / total))
}
