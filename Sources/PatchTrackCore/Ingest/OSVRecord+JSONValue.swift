extension OSVRecord {
    /// A JSON value kept as written, for the record's free-form `ecosystem_specific` and `database_specific` data.
    public enum JSONValue: Codable, Equatable, Sendable {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// A number.
        case number(Double)
        /// A string.
        case string(String)
        /// An array.
        case array([JSONValue])
        /// An object.
        case object([String: JSONValue])

        /// The value of `key` when this is an object.
        public subscript(key: String) -> JSONValue? {
            if case .object(let members) = self { return members[key] }
            return nil
        }

        /// The strings of an array value (`binaries`, `imports`), skipping other elements; nil when not an array.
        public var stringArray: [String]? {
            guard case .array(let items) = self else { return nil }
            return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let value = try? c.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? c.decode(Double.self) {
                self = .number(value)
            } else if let value = try? c.decode(String.self) {
                self = .string(value)
            } else if let value = try? c.decode([JSONValue].self) {
                self = .array(value)
            } else {
                self = .object(try c.decode([String: JSONValue].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .bool(let value): try c.encode(value)
            case .number(let value): try c.encode(value)
            case .string(let value): try c.encode(value)
            case .array(let value): try c.encode(value)
            case .object(let value): try c.encode(value)
            }
        }
    }
}
