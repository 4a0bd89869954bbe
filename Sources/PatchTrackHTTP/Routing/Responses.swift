import HTTPTypes
import Foundation
import Hummingbird

/// Building responses with the API's encoder.
enum JSONResponse {
    /// `value` as `application/json` with `status`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let body = try APIJSONEncoder().encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// Plain text with a media type.
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// `?limit=` and `?cursor=` of list routes: limit 1…1000 (default 100) written in ASCII digits only, cursor an opaque
/// token from `next_cursor`.
///
/// Cursors are fully validated rather than signed: a cursor is `base64url("c1:" + key)` in its canonical form (no
/// padding, the encoding this server writes), and its key is either a non-negative decimal integer without sign or
/// leading zeros (ids and offsets) or a repository name (checked by the route). So a forged cursor can only name a
/// position a client could reach by paging, and needs no key shared between replicas.
struct PageRequest {
    let limit: Int
    let cursor: String?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query["limit"] {
            guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let value = Int(String(text)), (1...1000).contains(value)
            else {
                throw ProblemDetails.badParameter("limit", "must be an integer from 1 to 1000, in digits only")
            }
            limit = value
        } else {
            limit = 100
        }
        if let text = query["cursor"], !text.isEmpty {
            guard text.utf8.count <= 2048, let data = Data(base64URLEncoded: String(text)),
                data.base64URLEncodedString() == text, let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("c1:"),
                decoded.count > 3, !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw Self.forged
            }
            cursor = String(decoded.dropFirst(3))
        } else {
            cursor = nil
        }
    }

    /// The answer to a cursor this server did not issue.
    static let forged = ProblemDetails.badParameter("cursor", "is not a cursor this server issued")

    /// The cursor as an integer key: digits only, no sign, no leading zero, within Int64.
    func integerCursor() throws -> Int64? {
        guard let cursor else { return nil }
        guard cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }), cursor == "0" || !cursor.hasPrefix("0"),
            let value = Int64(cursor)
        else { throw Self.forged }
        return value
    }

    /// The opaque form of a continuation key.
    static func encode(_ key: String?) -> String? {
        key.map { Data(("c1:" + $0).utf8).base64URLEncodedString() }
    }

    /// The `Link: <…>; rel="next"` header for the next page.
    static func linkHeader(_ request: Request, nextCursor: String?) -> HTTPFields {
        guard let nextCursor else { return [:] }
        var items = request.uri.queryParameters.filter { $0.key != "cursor" }.map { "\($0.key)=\($0.value)" }
        items.append("cursor=\(nextCursor)")
        return [.link: "<\(request.uri.path)?\(items.joined(separator: "&"))>; rel=\"next\""]
    }
}

extension Data {
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }

    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension HTTPField.Name {
    /// `Link`.
    static let link = HTTPField.Name("Link")!
}
