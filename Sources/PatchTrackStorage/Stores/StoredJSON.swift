import Foundation

/// JSON as stored in TEXT columns (labels, patterns, audit documents): keys sorted, so equal values are equal text.
enum StoredJSON {
    /// The JSON text of `value`.
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension StoredJSON {
    /// The value stored as `text`.
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
