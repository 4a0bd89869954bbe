import Foundation
import Hummingbird
import PatchTrackCore

/// Limits on request bodies, from the server configuration.
struct BodyLimits: Sendable {
    /// Largest body in bytes.
    let maxBytes: Int
    /// Deepest JSON nesting.
    let maxDepth: Int
}

extension Request {
    /// Media types accepted for JSON bodies. `application/x-www-form-urlencoded` is what curl sends for
    /// `--data-binary` without `-H 'Content-Type: …'`, so it is read as "not stated".
    private static func isJSONCompatible(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType.isEmpty || mediaType == "application/json" || mediaType.hasSuffix("+json")
            || mediaType == "application/x-www-form-urlencoded" || mediaType == "text/json"
    }

    /// The whole body, at most `limits.maxBytes` (413 beyond), refusing non-JSON content types (415).
    func collectJSONBody(limits: BodyLimits, accepted: String = "send application/json") async throws -> ByteBuffer {
        guard Self.isJSONCompatible(headers[.contentType]) else {
            throw ProblemDetails(
                .unsupportedMediaType, status: .unsupportedMediaType,
                detail: "content type '\(headers[.contentType] ?? "")' is not accepted here; \(accepted)")
        }
        return try await collectBody(upTo: limits.maxBytes)
    }

    /// Collects the JSON body (415 and 413 as ``collectJSONBody(limits:accepted:)``), checks its nesting depth, and
    /// hands `read` its bytes in place: a document of tens of megabytes is parsed without a copy, and the buffer is
    /// released when this returns, before the caller writes anything. Returns `read`'s value and the body's size.
    func readJSONDocument<T>(limits: BodyLimits, accepted: String, _ read: (Data) throws -> T) async throws -> (value: T, size: Int) {
        let buffer = try await collectJSONBody(limits: limits, accepted: accepted)
        let value = try buffer.withUnsafeReadableBytes { bytes in
            let data = Data(
                bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!), count: bytes.count,
                deallocator: .none)
            try checkJSONLimits(data, limits: limits)
            return try read(data)
        }
        return (value, buffer.readableBytes)
    }

    /// The whole body in one buffer sized from `Content-Length` when the client sends it (so a large document is
    /// not copied through doubling buffers); 413 as soon as more than `maxBytes` arrive or are announced.
    func collectBody(upTo maxBytes: Int) async throws -> ByteBuffer {
        let tooLarge = ProblemDetails(
            .payloadTooLarge, status: .contentTooLarge, detail: "the request body is larger than the server accepts (\(maxBytes) bytes)")
        let announced = headers[.contentLength].flatMap { Int($0) }
        if let announced, announced > maxBytes { throw tooLarge }
        var collected = ByteBufferAllocator().buffer(capacity: min(announced ?? 16 * 1024, maxBytes))
        for try await var chunk in body {
            guard collected.readableBytes + chunk.readableBytes <= maxBytes else { throw tooLarge }
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    /// Decodes the JSON body as `T`: 400 for malformed JSON (with the parser's position), 422 for a wrong shape
    /// (with the field path) or nesting deeper than the limit, 413 for a body over the size limit.
    func decodeJSON<T: Decodable>(_ type: T.Type, limits: BodyLimits) async throws -> T {
        let buffer = try await collectJSONBody(limits: limits)
        return try Self.decodeJSON(type, from: Data(buffer: buffer), limits: limits)
    }

    /// Decodes `data` as `T` with the API's decoder and the same error mapping as ``decodeJSON(_:limits:)``.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, limits: BodyLimits) throws -> T {
        try checkJSONLimits(data, limits: limits)
        do {
            return try APICoding.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw ProblemDetails(.malformedJSON, status: .badRequest, detail: "the body is not valid JSON: \(syntaxErrorPosition(data))")
            }
            throw ProblemDetails(decodingError: error)
        }
    }
}

/// Where the JSON syntax error in `data` is, as "line L, column C: reason". JSONDecoder's error does not say, so the
/// (rare) failure path asks JSONSerialization, whose message names the byte offset.
private func syntaxErrorPosition(_ data: Data) -> String {
    do {
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return "unexpected structure"
    } catch {
        let message = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "syntax error"
        guard let range = message.range(of: #"character (\d+)"#, options: .regularExpression),
            let offset = Int(message[range].dropFirst("character ".count))
        else { return message }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "line \(line), column \(column) (byte \(offset)): \(message)"
    }
}

/// Refuses an empty body (400), and applies Core's strict input rules (``JSONInputCheck``) in one pass before any
/// decoder recurses into the body: invalid UTF-8, lone surrogates and repeated member names are 400, U+0000 in a
/// string and nesting deeper than the limit are 422. Every route with a JSON body goes through here.
func checkJSONLimits(_ data: Data, limits: BodyLimits) throws {
    guard !data.isEmpty else {
        throw ProblemDetails(.malformedJSON, status: .badRequest, detail: "the request body is empty; send a JSON document")
    }
    do {
        try JSONInputCheck.check(data, maxDepth: limits.maxDepth)
    } catch {
        throw ProblemDetails(jsonInput: error)
    }
}

extension ProblemDetails {
    /// The problem for a body that breaks the strict input rules.
    init(jsonInput violation: JSONInputViolation) {
        switch violation.kind {
        case .nul:
            self = .invalidField(violation.path, violation.description)
        case .tooDeep:
            self.init(.validationFailed, status: .unprocessableContent, detail: violation.description)
        case .invalidUTF8, .loneSurrogate, .duplicateKey:
            self.init(.malformedJSON, status: .badRequest, detail: "the body is not accepted: \(violation.description)")
        }
    }

    /// Maps a decoder error: syntax errors are 400 with the parser's message (it names the line and column),
    /// shape errors are 422 with the JSON path of the field.
    init(decodingError error: DecodingError) {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let reason = (context.underlyingError.map { String(describing: $0) }) ?? context.debugDescription
            self.init(.malformedJSON, status: .badRequest, detail: "the body is not valid JSON: \(reason)")
        case .dataCorrupted(let context):
            self = .invalidField(Self.path(context.codingPath), context.debugDescription)
        case .keyNotFound(let key, let context):
            self = .invalidField(Self.path(context.codingPath + [key]), "is required")
        case .typeMismatch(let expected, let context):
            self = .invalidField(Self.path(context.codingPath), "must be \(Self.describe(expected))")
        case .valueNotFound(let expected, let context):
            self = .invalidField(Self.path(context.codingPath), "must be \(Self.describe(expected)), not null")
        @unknown default:
            self = .validation([], detail: "the body does not have the expected shape")
        }
    }

    /// `a.b[2].c` from a coding path; `$` for the document itself.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "$" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "an object")
        }
    }
}
