/// A finding's severity as rebuild planning sees it, ordered `unknown < low < medium < high < critical`.
///
/// Planning owns this small scale so that it stays independent of how severities are stored or scored; the caller
/// maps its own severity levels onto it.
public enum PlanSeverity: String, CaseIterable, Comparable, Sendable {
    /// No severity is known.
    case unknown
    /// Low severity.
    case low
    /// Medium severity.
    case medium
    /// High severity.
    case high
    /// Critical severity.
    case critical

    /// The position on the scale, `unknown` = 0 to `critical` = 4.
    public var rank: Int {
        switch self {
        case .unknown: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: PlanSeverity, rhs: PlanSeverity) -> Bool { lhs.rank < rhs.rank }
}
