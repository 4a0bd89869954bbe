/// What a token may do. Each role includes the ones below it: `admin` ⊃ `ingest` ⊃ `read`.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    /// GET requests.
    case read
    /// CI writes: scans, advisories, VEX, images, builds, inventory, rollouts.
    case ingest
    /// Everything, including tokens and policy.
    case admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .ingest: 1
        case .admin: 2
        }
    }

    /// Whether a token of this role may do what `required` allows.
    public func allows(_ required: Role) -> Bool { rank >= required.rank }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
