import Hummingbird
import PatchTrackCore

/// One route: method, path template (Hummingbird syntax: `{name}` for a segment, `**` for the rest), the role a
/// token needs (nil: open), and the handler.
struct Endpoint: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let role: Role?
    let handler: @Sendable (Request, AppRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, role: Role?,
        handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.role = role
        self.handler = handler
    }
}

/// The declared routes, to answer 405 with an `Allow` header when a path exists but the method does not.
struct RouteTable: Sendable {
    private let routes: [(method: HTTPRequest.Method, segments: [Substring])]

    init(_ endpoints: [Endpoint]) {
        routes = endpoints.map { ($0.method, $0.path.split(separator: "/")) }
    }

    /// The methods declared for `path`, sorted; empty when no route matches it.
    func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let methods = routes.filter { Self.matches($0.segments, segments) }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        for (index, part) in template.enumerated() {
            if part == "**" { return path.count > index }
            guard index < path.count else { return false }
            if part.hasPrefix("{") || part.hasPrefix(":") { continue }
            if part != path[index] { return false }
        }
        return template.count == path.count
    }
}

extension Request {
    /// The path parameter `name`, percent-decoded.
    func pathParameter(_ name: String, _ context: AppRequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The catch-all rest of the path (`**`), percent-decoded, joined with `/`.
    func catchAll(_ context: AppRequestContext) -> String {
        let joined = context.parameters.getCatchAll().joined(separator: "/")
        return joined.removingPercentEncoding ?? joined
    }
}
