import Foundation

/// Findings open at the end of each day of a window, by severity: the findings detected and not yet resolved (by a
/// scan that no longer shows them) at 23:59:59 UTC, rebuilt from the detection and resolution times.
public enum FindingTrend {
    /// One day's count at one severity, as read from the stored detection or resolution times.
    public struct Count: Sendable, Equatable {
        /// The UTC day, `YYYY-MM-DD`.
        public var day: String
        public var severity: SeverityLevel
        public var count: Int

        public init(day: String, severity: SeverityLevel, count: Int) {
            self.day = day
            self.severity = severity
            self.count = count
        }
    }

    /// The open findings at the end of one day.
    public struct Point: Sendable, Equatable {
        /// The UTC day, `YYYY-MM-DD`.
        public var day: String
        /// Open findings by severity; every severity is present.
        public var open: [SeverityLevel: Int]
    }

    /// The first day of a window of `days` days ending with the day of `now` (UTC), as `YYYY-MM-DD`, and its start.
    public static func window(days: Int, endingAt now: Date) -> (firstDay: String, start: Date) {
        let startOfToday = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let start = startOfToday.addingTimeInterval(-Double(max(days, 1) - 1) * 86_400)
        return (day(start), start)
    }

    /// The points of the window: `openAtStart` are the findings open when the window starts (detected before it,
    /// not resolved before it); `detected` and `resolved` count the findings detected and resolved on each day in it.
    public static func points(
        days: Int, endingAt now: Date, openAtStart: [SeverityLevel: Int], detected: [Count], resolved: [Count]
    ) -> [Point] {
        let (_, start) = window(days: days, endingAt: now)
        var change: [String: [SeverityLevel: Int]] = [:]
        for count in detected { change[count.day, default: [:]][count.severity, default: 0] += count.count }
        for count in resolved { change[count.day, default: [:]][count.severity, default: 0] -= count.count }
        var open = Dictionary(uniqueKeysWithValues: SeverityLevel.allCases.map { ($0, openAtStart[$0] ?? 0) })
        var points: [Point] = []
        for index in 0..<max(days, 1) {
            let name = day(start.addingTimeInterval(Double(index) * 86_400))
            for (severity, delta) in change[name] ?? [:] { open[severity, default: 0] = max(0, open[severity, default: 0] + delta) }
            points.append(Point(day: name, open: open))
        }
        return points
    }

    /// `YYYY-MM-DD` of `date` in UTC: the first ten characters of a stored RFC 3339 time.
    public static func day(_ date: Date) -> String {
        String(Timestamp.format(date).prefix(10))
    }
}
