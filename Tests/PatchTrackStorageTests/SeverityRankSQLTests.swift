import GRDB
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// The SQL ranking of severities is generated from Core's `SeverityLevel.rank`; SQLite must agree with it.
@Suite("Severity rank in SQL")
struct SeverityRankSQLTests {
    @Test("SQLite ranks every level exactly as SeverityLevel.rank does, and other text as unknown (0)")
    func sqliteAgreesWithCore() throws {
        let database = try DatabaseQueue()
        let sql = "SELECT \(AppDatabase.severityRankSQL(of: "?"))"
        let others = ["CRITICAL", "moderate", "", "severe"]
        let (levelRanks, otherRanks, columnRank) = try database.read { db in
            (
                try SeverityLevel.allCases.map { try Int.fetchOne(db, sql: sql, arguments: [$0.rawValue]) },
                try others.map { try Int.fetchOne(db, sql: sql, arguments: [$0]) },
                try Int.fetchOne(db, sql: "SELECT \(AppDatabase.severityRankSQL) FROM (SELECT 'high' AS severityLevel)")
            )
        }
        #expect(levelRanks == SeverityLevel.allCases.map(\.rank))
        #expect(levelRanks == [0, 1, 2, 3, 4])
        #expect(otherRanks == others.map { _ in 0 })
        #expect(columnRank == SeverityLevel.high.rank)
    }
}
