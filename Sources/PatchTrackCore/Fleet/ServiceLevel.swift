import Foundation

/// Days allowed to patch a finding, per severity (the policy's SLA): a finding is due its detection time plus the
/// days of its severity. Findings of unknown severity have no due time. The defaults (2, 7, 30 and 90 days) are
/// defined here and nowhere else; a database stores only a policy that differs from them.
public struct ServiceLevel: Sendable, Equatable, Codable {
    /// Days for critical findings.
    public var criticalDays: Int
    /// Days for high findings.
    public var highDays: Int
    /// Days for medium findings.
    public var mediumDays: Int
    /// Days for low findings.
    public var lowDays: Int
    /// Days for a finding whose vulnerability is in CISA's KEV catalogue (the policy's `kev_sla_days`; 14 by
    /// default, the two weeks CISA's BOD 22-01 gives for new listings). Not part of the per-severity `sla_days`
    /// object: the policy API names it apart.
    public var kevDays: Int = 14

    /// Creates the levels; the defaults are 2, 7, 30 and 90 days, and 14 for KEV findings.
    public init(criticalDays: Int = 2, highDays: Int = 7, mediumDays: Int = 30, lowDays: Int = 90, kevDays: Int = 14) {
        self.criticalDays = criticalDays
        self.highDays = highDays
        self.mediumDays = mediumDays
        self.lowDays = lowDays
        self.kevDays = kevDays
    }

    /// Encoded as the policy API and its audit trail write it: `{"critical": 2, "high": 7, …}`.
    enum CodingKeys: String, CodingKey {
        case criticalDays = "critical"
        case highDays = "high"
        case mediumDays = "medium"
        case lowDays = "low"
    }

    /// The days for `severity`; nil for unknown.
    public func days(for severity: SeverityLevel) -> Int? {
        switch severity {
        case .critical: criticalDays
        case .high: highDays
        case .medium: mediumDays
        case .low: lowDays
        case .unknown: nil
        }
    }

    /// When a finding of `severity` detected at `detected` is due; nil for unknown severity.
    public func due(detected: Date, severity: SeverityLevel) -> Date? {
        days(for: severity).map { detected.addingTimeInterval(TimeInterval($0) * 86_400) }
    }

    /// When a finding is due when its vulnerability may be in KEV (`kev`): the earliest of its severity's due time,
    /// ``kevDays`` after detection and the end (UTC) of the catalogue's `dueDate`. KEV never makes a finding due
    /// later, and a KEV finding of unknown severity still has a due time.
    public func due(detected: Date, severity: SeverityLevel, kev: KEVEntry?) -> Date? {
        let bySeverity = due(detected: detected, severity: severity)
        guard let kev else { return bySeverity }
        var candidates = [detected.addingTimeInterval(TimeInterval(kevDays) * 86_400)]
        if let due = bySeverity { candidates.append(due) }
        if let date = kev.dueDate, let start = Timestamp.parse("\(date)T00:00:00.000Z") {
            candidates.append(start.addingTimeInterval(86_400))
        }
        return candidates.min()
    }

    /// How a finding stands against its due time at `now`.
    public static func verdict(due: Date?, closedAt: Date?, now: Date) -> SLAVerdict {
        guard let due else { return .none }
        if let closedAt { return closedAt <= due ? .met : .missed }
        if now > due { return .breached }
        return due.timeIntervalSince(now) <= 86_400 ? .dueSoon : .onTrack
    }
}

/// A finding's standing against its SLA.
public enum SLAVerdict: String, CaseIterable, Sendable {
    /// Closed by its due time.
    case met
    /// Closed after its due time.
    case missed
    /// Open and past its due time.
    case breached
    /// Open and due within 24 hours.
    case dueSoon = "due_soon"
    /// Open, due later.
    case onTrack = "on_track"
    /// No SLA (unknown severity).
    case none
}

/// Nearest-rank percentiles of durations.
public enum Percentile {
    /// The `p`-th percentile (0 < p ≤ 100) of `values` by the nearest-rank method; nil when empty.
    public static func of(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
