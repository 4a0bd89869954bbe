import Foundation
import PostgresNIO
import Testing

@testable import PatchTrackStorage

/// `forEachRow` reads rows in place (SQLite's stepped statement, PostgreSQL's streamed cells); `fetchAll` keeps
/// decoded values. Both must hand out the same values for every column type the stores use.
@Suite("Row decoding: forEachRow and fetchAll")
struct RowDecodingTests {
    /// Rows of (text, bigint, double, boolean as 0/1, bytea, an always-NULL text), NULLs in every column once.
    private static let rows: [[SQLValue]] = [
        [.text("plain"), .integer(42), .real(2.5), .integer(1), .blob([0, 1, 2, 255]), .null],
        [.text("é ü 日本 🚀"), .integer(Int64.min), .real(-0.0), .integer(0), .blob([]), .null],
        [.text(""), .integer(Int64.max), .real(1e308), .integer(1), .blob(Array(repeating: 7, count: 1000)), .null],
        [.text(String(repeating: "long text over the small-string size ", count: 40)), .integer(-1), .real(-3.25e-10),
         .integer(0), .blob([0]), .null],
        [.null, .null, .null, .null, .null, .null],
    ]

    private static func createTable(_ session: any SQLSession) throws {
        switch session.dialect {
        case .sqlite:
            try session.execute(
                "CREATE TABLE decodeCheck (position INTEGER, t TEXT, i INTEGER, d REAL, b INTEGER, x BLOB, n TEXT)")
        case .postgres:
            try session.execute(
                "CREATE TABLE decodeCheck (position BIGINT, t TEXT, i BIGINT, d DOUBLE PRECISION, b BIGINT, x BYTEA, n TEXT)")
        }
    }

    @Test("both reads give the values written, for text, bigint, double, 0/1, bytea and NULL", arguments: TestEngine.available)
    func sameValues(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: a table of every column type, written through bound arguments
            try await executors[0].write { session in
                try Self.createTable(session)
                for (position, row) in Self.rows.enumerated() {
                    let types: [SQLType] = [.text, .integer, .real, .integer, .blob, .text]
                    var insert = SQLStatement.StringInterpolation(literalCapacity: 0, interpolationCount: 7)
                    insert.appendLiteral("INSERT INTO decodeCheck (position, t, i, d, b, x, n) VALUES (")
                    insert.append(.integer(Int64(position)), .value)
                    for (column, value) in row.enumerated() {
                        insert.appendLiteral(", ")
                        insert.append(value.isNull ? .typedNull(types[column]) : value, .value)
                    }
                    insert.appendLiteral(")")
                    try session.execute(SQLStatement(stringInterpolation: insert))
                }
            }
            // when: read back both ways (and with the boolean as the engine computes it)
            let (kept, streamed) = try await executors[0].read { session -> ([[SQLValue]], [[SQLValue]]) in
                let statement: SQLStatement = "SELECT t, i, d, b, x, n, i > 0 AS positive FROM decodeCheck ORDER BY position"
                let kept = try session.fetchAll(statement).map(\.values)
                var streamed: [[SQLValue]] = []
                try session.forEachRow(statement) { row in
                    streamed.append(try (0..<row.columnCount).map { try row.value(at: $0) })
                }
                return (kept, streamed)
            }
            // then
            let expected = Self.rows.map { row -> [SQLValue] in
                let positive: SQLValue = if case .integer(let i) = row[1] { .integer(i > 0 ? 1 : 0) } else { .null }
                return row + [positive]
            }
            #expect(kept == expected)
            #expect(streamed == expected)
        }
    }

    @Test("typed reads through forEachRow match fetchAll's, and a failing body stops the read", arguments: TestEngine.available)
    func typedReadsAndFailure(engine: TestEngine) async throws {
        struct Stop: Error {}
        try await engine.withDatabase { executors in
            // given: more rows than one batch of the PostgreSQL stream
            try await executors[0].write { session in
                try Self.createTable(session)
                var batch = SQLBatchInsert(into: "decodeCheck", columns: ["position", "t", "i", "d", "b", "x", "n"])
                for position in 0..<1000 {
                    batch.append(
                        Int64(position), "row \(position)", Int64(position) * 1_000_003, Double(position) / 8, position % 2 == 1,
                        Data([UInt8(position % 256)]), String?.none)
                }
                _ = try session.insert(batch)
            }
            let statement: SQLStatement = "SELECT position, t, i, d, b, x, n FROM decodeCheck ORDER BY position"
            // when
            let (kept, streamed, afterFailure) = try await executors[0].read { session in
                func decoded(_ row: SQLRowReader) throws -> String {
                    let values: [String] = [
                        "\(try row.decode(0, as: Int.self))", try row.decode(1, as: String.self), "\(try row.decode(2, as: Int64.self))",
                        "\(try row.decode(3, as: Double.self))", "\(try row.decode(4, as: Bool.self))",
                        "\(Array(try row.decode(5, as: Data.self)))", "\(try row.decode(6, as: String?.self) as Any)",
                    ]
                    return values.joined(separator: "|")
                }
                let kept = try session.fetchAll(statement).map { try decoded(SQLRowReader($0)) }
                var streamed: [String] = []
                try session.forEachRow(statement) { streamed.append(try decoded($0)) }
                // A body that throws half-way: the error reaches the caller, and the session still answers.
                var seen = 0
                #expect(throws: Stop.self) {
                    try session.forEachRow(statement) { _ in
                        seen += 1
                        if seen == 300 { throw Stop() }
                    }
                }
                #expect(seen == 300)
                return (kept, streamed, try session.fetchValue("SELECT count(*) FROM decodeCheck", as: Int.self))
            }
            // then
            #expect(kept.count == 1000)
            #expect(streamed == kept)
            #expect(afterFailure == 1000)
            // A type mismatch names the column, as before.
            await #expect(throws: SQLError.self) {
                try await executors[0].read { session in
                    try session.forEachRow(statement) { row in _ = try row.decode(1, as: Int64.self) }
                }
            }
        }
    }

    @Test(
        "PostgreSQL: the direct cell decoding gives what PostgresNIO's decoders give, for every result type",
        .enabled(if: TestEngine.postgresURL != nil, TestEngine.postgresSkipReason))
    func postgresFastPathMatchesDecoders() async throws {
        try await TestEngine.postgres.withDatabase { executors in
            let statement: SQLStatement = """
                SELECT CAST(7 AS int2), CAST(-8 AS int4), CAST(2147483648 AS int8), CAST('t é' AS text), CAST('v' AS varchar),
                    CAST('n' AS name), CAST('b' AS char(3)), CAST(1.5 AS float4), CAST(-2.25 AS float8), CAST(12 AS numeric),
                    CAST(1.5 AS numeric), true, false, CAST('\\x00ff' AS bytea), CAST('' AS bytea), CAST(NULL AS bigint),
                    CAST(NULL AS text), CAST(NULL AS bytea), sum(CAST(3 AS bigint)), count(*)
                """
            let (fast, generic, kept, streamed) = try await executors[0].read { session in
                let postgres = try #require(session as? PostgresSession)
                let result = try postgres.connection.query(try PostgresSession.query(statement), logger: TestEngine.logger).wait()
                let cells = Array(try #require(result.rows.first))
                var streamed: [SQLValue] = []
                try session.forEachRow(statement) { row in streamed = try (0..<row.columnCount).map { try row.value(at: $0) } }
                return (
                    try cells.map(PostgresSession.value), try cells.map(PostgresSession.genericValue),
                    try session.fetchAll(statement).first?.values, streamed
                )
            }
            #expect(fast == generic)
            #expect(kept == generic)
            #expect(streamed == generic)
            #expect(generic == [
                .integer(7), .integer(-8), .integer(2_147_483_648), .text("t é"), .text("v"), .text("n"), .text("b  "),
                .real(1.5), .real(-2.25), .integer(12), .real(1.5), .integer(1), .integer(0), .blob([0, 255]), .blob([]),
                .null, .null, .null, .integer(3), .integer(1),
            ])
        }
    }
}
