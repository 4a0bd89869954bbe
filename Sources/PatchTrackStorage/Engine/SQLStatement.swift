/// A statement with its arguments, written once for both engines. Interpolated values are always bound arguments,
/// never text; each engine renders the placeholders its own way (`?` for SQLite, `$1`… for PostgreSQL).
///
/// Portable SQL only: double-quoted identifiers (`"createdAt"`: PostgreSQL folds unquoted names to lower case),
/// `ON CONFLICT … DO UPDATE`, `RETURNING`, CTEs, 0/1 booleans. What differs between engines is not written here but
/// asked of the executor's dialect.
public struct SQLStatement: Sendable, ExpressibleByStringInterpolation {
    /// The text between arguments; `texts.count == arguments.count + 1`.
    public private(set) var texts: [String]
    /// The bound arguments, in order.
    public private(set) var arguments: [SQLValue]

    public init(stringLiteral value: String) {
        texts = [value]
        arguments = []
    }

    public init(stringInterpolation: StringInterpolation) {
        texts = stringInterpolation.texts
        arguments = stringInterpolation.arguments
    }

    /// The SQL with each argument replaced by `placeholder(position)` (1-based).
    public func sql(placeholder: (Int) -> String) -> String {
        var sql = texts[0]
        for index in arguments.indices {
            sql += placeholder(index + 1)
            sql += texts[index + 1]
        }
        return sql
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var texts: [String] = [""]
        var arguments: [SQLValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            arguments.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            texts[texts.count - 1] += literal
        }

        /// Binds `value` as an argument.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            arguments.append(value.sqlValue)
            texts.append("")
        }

        /// Embeds another statement (a fragment), keeping its arguments bound.
        public mutating func appendInterpolation(_ fragment: SQLStatement) {
            texts[texts.count - 1] += fragment.texts[0]
            for (argument, text) in zip(fragment.arguments, fragment.texts.dropFirst()) {
                arguments.append(argument)
                texts.append(text)
            }
        }
    }
}
