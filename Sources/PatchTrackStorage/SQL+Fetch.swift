import GRDB

// Fetching through `SQL` literals, so values are always bound arguments (the style guide's `literal:` rule) while
// reading rows and single values as tersely as GRDB's `sql:` + `arguments:` forms.

extension DatabaseValueConvertible {
    /// The first value the `literal` query returns, nil when it returns no row or NULL.
    static func fetchOne(_ db: Database, literal: SQL) throws -> Self? {
        try SQLRequest<Self>(literal: literal).fetchOne(db)
    }

    /// Every value the `literal` query returns.
    static func fetchAll(_ db: Database, literal: SQL) throws -> [Self] {
        try SQLRequest<Self>(literal: literal).fetchAll(db)
    }
}

extension Row {
    /// The first row the `literal` query returns.
    static func fetchOne(_ db: Database, literal: SQL) throws -> Row? {
        try SQLRequest<Row>(literal: literal).fetchOne(db)
    }

    /// Every row the `literal` query returns.
    static func fetchAll(_ db: Database, literal: SQL) throws -> [Row] {
        try SQLRequest<Row>(literal: literal).fetchAll(db)
    }
}
