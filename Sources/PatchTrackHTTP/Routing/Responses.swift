import HTTPTypes
import Foundation
import Hummingbird

/// Building responses with the API's encoder.
enum JSONResponse {
    /// `value` as `application/json` with `status`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try APICoding.encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Plain text with a media type.
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// `?limit=` and `?cursor=` of list routes: limit 1…1000 (default 100), cursor an opaque token from `next_cursor`.
struct PageRequest {
    let limit: Int
    let cursor: String?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...1000).contains(value) else {
                throw ProblemDetails.badParameter("limit", "must be an integer from 1 to 1000")
            }
            limit = value
        } else {
            limit = 100
        }
        if let text = query["cursor"], !text.isEmpty {
            guard let data = Data(base64URLEncoded: String(text)), let decoded = String(data: data, encoding: .utf8),
                decoded.hasPrefix("c1:")
            else {
                throw ProblemDetails.badParameter("cursor", "is not a cursor this server issued")
            }
            cursor = String(decoded.dropFirst(3))
        } else {
            cursor = nil
        }
    }

    /// The cursor as an integer key.
    func integerCursor() throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = Int64(cursor) else { throw ProblemDetails.badParameter("cursor", "is not a cursor this server issued") }
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
