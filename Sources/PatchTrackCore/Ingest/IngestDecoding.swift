import Foundation

/// Shared decoding plumbing for the format parsers: one decode call (``JSONTree`` + ``JSONTreeDecoder``) that
/// turns `DecodingError` into ``IngestError`` with a readable field path, plus small tolerant wrappers for fields
/// whose JSON type differs between tool versions.
enum IngestDecoding {
    /// Decodes `T` from `data`, reporting failures as ``IngestError`` with the decoder's field path.
    /// The tree borrows `data`'s bytes for the duration of the decode (the decoded values copy what they keep).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(IngestError) -> T {
        let result: Result<T, IngestError> = data.withUnsafeBytes { raw in
            let tree: JSONTree
            do throws(IngestError) {
                tree = try JSONTree(borrowing: raw)
            } catch {
                return .failure(error)
            }
            do {
                return .success(try JSONTreeDecoder.decode(T.self, from: tree))
            } catch let error as DecodingError {
                return .failure(ingestError(from: error))
            } catch {
                return .failure(IngestError(kind: .invalidDocument, path: "", message: "\(error)"))
            }
        }
        return try result.get()
    }

    /// Renders a coding path as `Results[2].Packages[5].Name`.
    static func render(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }

    static func ingestError(from error: DecodingError) -> IngestError {
        switch error {
        case .typeMismatch(let type, let context):
            return .invalidDocument(
                "expected \(describe(type)): \(context.debugDescription)", path: render(context.codingPath))
        case .valueNotFound(let type, let context):
            return .invalidDocument(
                "expected \(describe(type)) but found null or nothing", path: render(context.codingPath))
        case .keyNotFound(let key, let context):
            return .invalidDocument("required field is missing", path: render(context.codingPath + [key]))
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\(describeUnderlying($0)))" } ?? ""
            if context.codingPath.isEmpty {
                return IngestError(
                    kind: .malformedJSON, path: "", message: "not valid JSON: \(context.debugDescription)\(underlying)")
            }
            return .invalidDocument("\(context.debugDescription)\(underlying)", path: render(context.codingPath))
        @unknown default:
            return IngestError(kind: .invalidDocument, path: "", message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default: return String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    private static func describeUnderlying(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

/// A field that is one value in some tool versions and an array in others (Grype's `matchDetails`, CycloneDX 1.5
/// `metadata.tools`).
struct OneOrMany<Element: Decodable>: Decodable {
    var values: [Element]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let many = try? container.decode([Element].self) {
            values = many
        } else {
            values = [try container.decode(Element.self)]
        }
    }
}

/// A scalar that tools write as a string or a number; anything else decodes as `nil` rather than failing,
/// because it sits in free-form metadata whose shape varies by package type.
struct LenientString: Decodable {
    var value: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            value = string
        } else if let int = try? container.decode(Int.self) {
            value = String(int)
        } else {
            value = nil
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a string or number at `key`, ignoring other shapes (free-form metadata).
    func lenientString(_ key: Key) -> String? {
        (try? decodeIfPresent(LenientString.self, forKey: key))?.value
    }
}

extension String {
    /// `nil` for the empty string, so "" in a document means the same as an absent field.
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Optional where Wrapped == String {
    /// `nil` for nil or "".
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
