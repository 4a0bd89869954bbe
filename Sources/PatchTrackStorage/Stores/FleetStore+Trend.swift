import Foundation
import PatchTrackCore

extension FleetStore {
    /// Findings open at the end of each of the last `days` days (UTC), by severity (``FindingTrend``): three grouped
    /// counts in one read transaction, the running totals computed in Core.
    public func openFindingsTrend(days: Int) async throws -> [FindingTrend.Point] {
        let now = context.now()
        let (_, start) = FindingTrend.window(days: days, endingAt: now)
        let from = Timestamp.format(start)
        let (atStart, detected, resolved) = try await context.executor.read { session in
            var atStart: [SeverityLevel: Int] = [:]
            for row in try session.fetchAll(
                """
                SELECT severityLevel, count(*) FROM finding
                WHERE firstDetected < \(from) AND (resolvedAt IS NULL OR resolvedAt >= \(from)) GROUP BY severityLevel
                """)
            {
                atStart[SeverityLevel(rawValue: try row.decode(0)) ?? .unknown, default: 0] += try row.decode(1, as: Int.self)
            }
            let detected = try Self.dailyCounts(session, column: .firstDetected, from: from)
            let resolved = try Self.dailyCounts(session, column: .resolvedAt, from: from)
            return (atStart, detected, resolved)
        }
        return FindingTrend.points(days: days, endingAt: now, openAtStart: atStart, detected: detected, resolved: resolved)
    }

    /// Findings per UTC day of `column` (a stored RFC 3339 time: its first ten characters) and severity, from `from`.
    private static func dailyCounts(_ session: any SQLSession, column: TrendColumn, from: String) throws -> [FindingTrend.Count] {
        let statement: SQLStatement =
            switch column {
            case .firstDetected:
                """
                SELECT substr(firstDetected, 1, 10) AS day, severityLevel, count(*) FROM finding
                WHERE firstDetected >= \(from) GROUP BY 1, 2
                """
            case .resolvedAt:
                """
                SELECT substr(resolvedAt, 1, 10) AS day, severityLevel, count(*) FROM finding
                WHERE resolvedAt >= \(from) GROUP BY 1, 2
                """
            }
        return try session.fetchAll(statement).map {
            FindingTrend.Count(
                day: try $0.decode(0), severity: SeverityLevel(rawValue: try $0.decode(1)) ?? .unknown, count: try $0.decode(2))
        }
    }

    private enum TrendColumn { case firstDetected, resolvedAt }
}
