import PatchTrackCore

/// ``SeverityLevel/rank`` in SQL, generated from Core's levels and ranks so the order is stated only there.
enum SeverityRankSQL {
    /// The rank of the text in `column` (an expression of the statement, not a value): `CASE column WHEN 'unknown'
    /// THEN 0 … WHEN 'critical' THEN 4 ELSE 0 END`; text that is no level ranks as `unknown`. Plain `CASE` over text
    /// literals and integers: the same on both engines.
    static func of(_ column: String) -> SQLStatement {
        let cases = SeverityLevel.allCases.map { "WHEN '\($0.rawValue)' THEN \($0.rank)" }.joined(separator: " ")
        return SQLStatement(stringLiteral: "CASE \(column) \(cases) ELSE \(SeverityLevel.unknown.rank) END")
    }

    /// The rank of a finding's or advisory's `severityLevel` column, for SQL aggregates.
    static let severityLevel = of("severityLevel")
}
