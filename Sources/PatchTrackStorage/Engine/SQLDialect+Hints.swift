extension SQLDialect {
    /// Tells the planner which index a table reference must use: SQLite's `INDEXED BY index` after the table name
    /// (where its planner, without statistics, would pick a worse one); nothing on PostgreSQL, whose planner chooses
    /// from its statistics and takes no hints.
    func indexedBy(_ index: StaticString) -> SQLStatement {
        switch self {
        case .sqlite: SQLStatement(stringLiteral: " INDEXED BY \(index)")
        case .postgres: ""
        }
    }
}
