/// The catalog queries, which each engine answers in its own tables.
extension SQLDialect {
    /// The names of the application's tables (the migrations' bookkeeping included), sorted by name; one column.
    var tableNamesQuery: SQLStatement {
        switch self {
        case .sqlite:
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        case .postgres:
            """
            SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"
            """
        }
    }

    /// An identifier read from the catalog (never from input), double-quoted as both engines quote identifiers.
    func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
