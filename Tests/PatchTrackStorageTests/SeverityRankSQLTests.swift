import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// The SQL ranking of severities is generated from Core's `SeverityLevel.rank`; each engine must agree with it.
@Suite("Severity rank in SQL")
struct SeverityRankSQLTests {
    @Test("each engine ranks every level exactly as SeverityLevel.rank does, and other text as unknown (0)", arguments: TestEngine.available)
    func engineAgreesWithCore(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let others = ["CRITICAL", "moderate", "", "severe"]
            let (levelRanks, otherRanks, columnRank) = try await executors[0].read { session in
                func rank(_ text: String) throws -> Int? {
                    try session.fetchValue("SELECT \(SeverityRankSQL.of("v.level")) FROM (SELECT \(text) AS level) v", as: Int.self)
                }
                return (
                    try SeverityLevel.allCases.map { try rank($0.rawValue) },
                    try others.map { try rank($0) },
                    try session.fetchValue(
                        "SELECT \(SeverityRankSQL.severityLevel) FROM (SELECT 'high' AS severityLevel) t", as: Int.self)
                )
            }
            #expect(levelRanks == SeverityLevel.allCases.map(\.rank))
            #expect(levelRanks == [0, 1, 2, 3, 4])
            #expect(otherRanks == others.map { _ in 0 })
            #expect(columnRank == SeverityLevel.high.rank)
        }
    }
}
