import Foundation
import Hummingbird
import PatchTrackCore

/// The API as the dashboard reads it: the API's own GET handlers called in process, so every figure and row a page
/// shows is the API's answer to the same question (same caches, same validation, same cursors) and a page's CSV is
/// the API's CSV. The session guard runs before; the token of the session is passed on as the request's.
struct DashboardAPI: Sendable {
    private let routes: [(segments: [Substring], endpoint: Endpoint)]

    init(endpoints: [Endpoint]) {
        routes = endpoints.filter { $0.method == .get && !$0.path.contains("**") }.map { ($0.path.split(separator: "/"), $0) }
    }

    /// The API's answer to `GET path?query`, the path's segments already percent-encoded.
    func response(
        _ path: String, query: [(String, String?)] = [], accept: String? = nil, context: AppRequestContext
    ) async throws -> Response {
        let segments = path.split(separator: "/")
        guard let route = routes.first(where: { RouteTable.matches($0.segments, segments) }) else {
            throw ProblemDetails.notFound("no route for \(path)")
        }
        var context = context
        var parameters = Parameters()
        for (part, value) in zip(route.segments, segments) where part.hasPrefix("{") {
            parameters.append(key: part.dropFirst().dropLast(), value: value)
        }
        context.coreContext.parameters = parameters
        var components = URLComponents()
        components.percentEncodedPath = path
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        components.queryItems = items.isEmpty ? nil : items
        // `+` is a space in a query string; URLComponents leaves it as is.
        let target = (components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")).map { path + "?" + $0 } ?? path
        var head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: target)
        if let accept { head.headerFields[.accept] = accept }
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        return try await route.endpoint.handler(request, context)
    }

    /// The API's JSON answer to `GET path?query`, parsed; an error answer is thrown as the problem it is.
    func json(_ path: String, query: [(String, String?)] = [], context: AppRequestContext) async throws -> APIValue {
        let response = try await response(path, query: query, context: context)
        let body = try await ConditionalGetMiddleware.collect(response.body)
        guard response.status == .ok else {
            throw ProblemDetails(.internalError, status: response.status, detail: "the API answered \(response.status.code)")
        }
        return APIValue(try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed]))
    }

    /// A path segment percent-encoded for a path (every character but unreserved ones).
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? value
    }
}

/// A parsed JSON value, read with subscripts that answer `.missing` instead of failing.
struct APIValue {
    let value: Any?

    init(_ value: Any?) {
        self.value = value is NSNull ? nil : value
    }

    subscript(_ key: String) -> APIValue { APIValue((value as? [String: Any])?[key]) }
    var array: [APIValue] { (value as? [Any])?.map(APIValue.init) ?? [] }
    var object: [(key: String, value: APIValue)] {
        ((value as? [String: Any]) ?? [:]).map { ($0.key, APIValue($0.value)) }.sorted { $0.key < $1.key }
    }
    var string: String? { value as? String }
    var int: Int? { double.flatMap { Int(exactly: $0) } }
    var double: Double? { (value as? NSNumber)?.doubleValue ?? (value as? Double) ?? (value as? Int).map(Double.init) }
    var bool: Bool? { value as? Bool }
    var isNull: Bool { value == nil }
    /// The value as text for a cell: strings as they are, whole numbers without a fraction, nothing as "".
    var text: String {
        if let string = value as? String { return string }
        if let int { return String(int) }
        if let double { return String(double) }
        return ""
    }
}
