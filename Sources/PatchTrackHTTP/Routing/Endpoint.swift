import Hummingbird
import PatchTrackCore

/// One route: method, path template (Hummingbird syntax: `{name}` for a segment, `**` for the rest), the role a
/// token needs (nil: open), whether it is a heavy write (bounded per token by ``HeavyWriteLimiter``) or a heavy read (bounded by
/// ``ReadBulkhead``), and the handler.
struct Endpoint: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let role: Role?
    /// A write that parses a document and matches it (scans, advisories, VEX, inventory).
    let isHeavyWrite: Bool
    /// A read computed over the whole fleet, run through the ``ReadBulkhead``.
    let isHeavyRead: Bool
    let handler: @Sendable (Request, AppRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, role: Role?, heavyWrite: Bool = false, heavyRead: Bool = false,
        handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.role = role
        self.isHeavyWrite = heavyWrite
        self.isHeavyRead = heavyRead
        self.handler = handler
    }
}

extension Endpoint {
    /// The path given to the router. Hummingbird's `**` ends a path, so a template with segments after it
    /// (`/v1/repositories/**/policy`: repository names contain slashes) is registered up to `**`, and the handler
    /// runs only when ``matches(_:)`` accepts the whole path.
    var routerPath: String {
        guard let range = path.range(of: "/**/") else { return path }
        return String(path[..<range.lowerBound]) + "/**"
    }

    /// Whether the router path differs from the template, so that the whole path must be checked per request.
    var needsFullMatch: Bool { routerPath != path }

    /// Whether `path` matches the full template.
    func matches(_ path: String) -> Bool {
        RouteTable.matches(self.path.split(separator: "/"), path.split(separator: "/"))
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

    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        for (index, part) in template.enumerated() {
            if part == "**" {
                // `**` takes at least one segment; the segments after it must end the path.
                let rest = template[(index + 1)...]
                return path.count > index + rest.count && path.suffix(rest.count).elementsEqual(rest)
            }
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

    /// The catch-all rest of the path (`**`), percent-decoded, joined with `/`, without the last `droppingLast`
    /// segments (those a template names after `**`).
    func catchAll(_ context: AppRequestContext, droppingLast: Int = 0) -> String {
        let joined = context.parameters.getCatchAll().dropLast(droppingLast).joined(separator: "/")
        return joined.removingPercentEncoding ?? joined
    }
}
