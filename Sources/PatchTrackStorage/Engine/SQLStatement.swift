import Foundation

/// A statement with its arguments, written once for both engines. Interpolated values are always bound arguments,
/// never text; each engine renders the placeholders its own way (`?` for SQLite, `$1`… for PostgreSQL).
///
/// Portable SQL only: unquoted identifiers (both engines fold them alike), `ON CONFLICT … DO UPDATE`, `RETURNING`,
/// CTEs, 0/1 booleans. What differs between engines is not written here but rendered by ``SQLDialect``: the
/// placeholders and the sets of values a statement filters by (`\(set: ids)`).
public struct SQLStatement: Sendable, ExpressibleByStringInterpolation {
    /// How an argument appears in the text.
    enum Form: Sendable {
        /// A single value.
        case value
        /// A JSON array of integers read as a one-column set (`x IN \(set: ids)`).
        case integerSet
        /// A JSON array of strings read as a one-column set.
        case textSet
        /// No argument: the clause that locks the rows a SELECT read until the transaction ends (`FOR UPDATE` on
        /// PostgreSQL; nothing on SQLite, whose single writer already excludes the others).
        case rowLock
    }

    /// Locks the rows the SELECT it ends reads: `SELECT … WHERE … \(SQLStatement.forUpdate)`.
    public static var forUpdate: SQLStatement {
        var interpolation = StringInterpolation(literalCapacity: 0, interpolationCount: 1)
        interpolation.append(.null, .rowLock)
        return SQLStatement(stringInterpolation: interpolation)
    }

    /// The arguments that are bound (all but the clauses that take none), in placeholder order.
    var boundArguments: [SQLValue] {
        zip(arguments, forms).compactMap { argument, form in
            if case .rowLock = form { return nil }
            return argument
        }
    }

    /// The text between arguments; `texts.count == arguments.count + 1`.
    private(set) var texts: [String]
    /// The bound arguments, in order.
    public private(set) var arguments: [SQLValue]
    /// How each argument appears.
    private(set) var forms: [Form]

    public init(stringLiteral value: String) {
        texts = [value]
        arguments = []
        forms = []
    }

    public init(stringInterpolation: StringInterpolation) {
        texts = stringInterpolation.texts
        arguments = stringInterpolation.arguments
        forms = stringInterpolation.forms
    }

    /// Whether the statement may change data: it starts with INSERT, UPDATE or DELETE, or with a CTE (which may end in
    /// one; counted as a change, the safe side for generations). Only the first word is read.
    var isWrite: Bool {
        let word = texts[0].drop(while: \.isWhitespace).prefix(6).uppercased()
        return ["INSERT", "UPDATE", "DELETE"].contains(word) || word.hasPrefix("WITH")
    }

    /// The SQL text for `dialect`.
    func sql(_ dialect: SQLDialect) -> String {
        var sql = texts[0]
        var position = 0
        for index in arguments.indices {
            if case .rowLock = forms[index] {
                sql += dialect.rowLock
            } else {
                position += 1
                sql += dialect.render(forms[index], position: position)
            }
            sql += texts[index + 1]
        }
        return sql
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var texts: [String] = [""]
        var arguments: [SQLValue] = []
        var forms: [Form] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            arguments.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            texts[texts.count - 1] += literal
        }

        /// Binds `value` as an argument.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            append(value.sqlValue, .value)
        }

        /// Binds an optional value: NULL (typed, for PostgreSQL) when nil.
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            append(value.sqlValue, .value)
        }

        /// Binds `values` as a one-column set, for `column IN \(set: values)`.
        public mutating func appendInterpolation(set values: [Int64]) {
            append(.text("[" + values.map(String.init).joined(separator: ",") + "]"), .integerSet)
        }

        /// Binds `values` as a one-column set of strings.
        public mutating func appendInterpolation(set values: [String]) {
            let json = (try? JSONEncoder().encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            append(.text(json), .textSet)
        }

        /// Embeds another statement (a fragment), keeping its arguments bound.
        public mutating func appendInterpolation(_ fragment: SQLStatement) {
            texts[texts.count - 1] += fragment.texts[0]
            for index in fragment.arguments.indices {
                arguments.append(fragment.arguments[index])
                forms.append(fragment.forms[index])
                texts.append(fragment.texts[index + 1])
            }
        }

        /// Binds `value` in `form` (also used to build statements row by row, see ``SQLBatchInsert``).
        mutating func append(_ value: SQLValue, _ form: Form) {
            arguments.append(value)
            forms.append(form)
            texts.append("")
        }
    }
}
