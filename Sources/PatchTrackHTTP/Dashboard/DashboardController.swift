import Foundation
import HTTPTypes
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// What a page handler is given: the request, the signed-in token, and the API to read from.
struct DashboardRequest: Sendable {
    let request: Request
    let context: AppRequestContext
    let token: TokenInfo
    let api: DashboardAPI

    /// The query parameter `name`, nil when absent or empty.
    func query(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The API's JSON answer to `GET path?query` for this page.
    func json(_ path: String, _ query: [(String, String?)] = []) async throws -> APIValue {
        try await api.json(path, query: query, context: context)
    }

    /// The header of every page, `current` marked in the navigation.
    func chrome(_ current: DashboardChrome.Section) -> DashboardChrome {
        DashboardChrome(current: current, token: token)
    }
}

/// The page header: navigation and who is signed in.
struct DashboardChrome {
    enum Section: String, CaseIterable { case overview, rebuilds, environments, sla, other }
    struct Link {
        let label: String
        let href: String
        let current: Bool
    }

    let nav: [Link]
    let tokenName: String
    let role: String

    init(current: Section, token: TokenInfo) {
        let items: [(Section, String, String)] = [
            (.overview, "Overview", "/ui/"), (.rebuilds, "Rebuilds", "/ui/rebuilds"),
            (.environments, "Environments", "/ui/environments"), (.sla, "SLA", "/ui/sla"),
        ]
        nav = items.map { Link(label: $0.1, href: $0.2, current: $0.0 == current) }
        tokenName = token.name
        role = token.role.rawValue
    }
}

/// A page that could not be shown: the API's problem, as HTML.
struct DashboardErrorView {
    let title: String
    let chrome: DashboardChrome?
    let status: Int
    let detail: String
}

/// A page handler.
typealias DashboardPage = @Sendable (DashboardRequest) async throws -> Response

/// The read-only web dashboard under `/ui/`: sign-in with a token (a session cookie), the pages, their CSV, and the
/// stylesheet. Pages read through ``DashboardAPI``; none changes data.
struct DashboardController {
    static let cookieName = "patchtrack_session"
    /// How long a session lasts from signing in.
    static let sessionLifetime: TimeInterval = 12 * 3600
    /// The sign-in form's body limit.
    static let maximumFormBytes = 16 * 1024

    let database: AppDatabase
    let authenticator: Authenticator
    let api: DashboardAPI
    let plans: PlanSource
    let renderer = DashboardRenderer.shared
    /// Pages rendered, by signed-in token and URI, kept per write generation and for at most 30 s (SLA standings
    /// and feed freshness move with time): a dashboard left open and refreshed renders once per change. A page
    /// rendered while the rebuild plan was being recomputed in the background is not kept past that plan.
    let pages: GenerationCache<RenderedPage>

    init(database: AppDatabase, authenticator: Authenticator, api: DashboardAPI, plans: PlanSource) {
        self.database = database
        self.authenticator = authenticator
        self.api = api
        self.plans = plans
        pages = GenerationCache(maximumAge: 30, maximumVariants: 256) { try await database.writeGeneration() }
    }

    /// A page as answered: its status, headers and body.
    struct RenderedPage: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer

        var response: Response { Response(status: status, headers: headers, body: .init(byteBuffer: body)) }
    }

    /// A page not to keep (a server error), answered as it is.
    private struct Uncached: Error {
        let page: RenderedPage
    }

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/", role: nil) { _, _ in DashboardRenderer.redirect(to: "/ui/") },
            Endpoint(.get, "/ui/static/style.css", role: nil, handler: stylesheet),
            Endpoint(.get, "/ui/login", role: nil, handler: loginForm),
            Endpoint(.post, "/ui/login", role: nil, handler: login),
            Endpoint(.post, "/ui/logout", role: nil, handler: logout),
            Endpoint(.get, "/ui/logout", role: nil, handler: logout),
            page("/ui", OverviewPage.handle),
            page("/ui/rebuilds", RebuildsPage.handle),
            csv("/ui/rebuilds.csv") { _ in "/v1/rebuilds/plan" },
            page("/ui/images/{digest}", ImagePage.handle),
            csv("/ui/images/{digest}/findings.csv") { "/v1/images/" + $0.segment("digest") + "/findings" },
            page("/ui/advisories", AdvisoryPage.lookup),
            page("/ui/advisories/{id}", AdvisoryPage.handle),
            csv("/ui/advisories/{id}/exposure.csv") { "/v1/advisories/" + $0.segment("id") + "/exposure" },
            page("/ui/environments", EnvironmentsPage.handle),
            page("/ui/environments/{name}", EnvironmentPage.handle),
            csv("/ui/environments/{name}/inventory.csv") { "/v1/environments/" + $0.segment("name") + "/inventory" },
            csv("/ui/rollouts.csv") { _ in "/v1/rollouts" },
            page("/ui/sla", SLAPage.handle),
            csv("/ui/sla.csv") { _ in "/v1/sla/breaches" },
        ]
    }

    /// A page route: without a live session, a redirect to the sign-in form that comes back here; a problem the API
    /// answered is shown as an error page with its status.
    func page(_ path: String, cached: Bool = true, _ handler: @escaping DashboardPage) -> Endpoint {
        Endpoint(.get, path, role: nil) { [authenticator, api, renderer, pages, database, plans] request, context in
            guard let secret = Self.sessionSecret(request), let token = try await authenticator.session(secret: secret) else {
                let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return DashboardRenderer.redirect(to: "/ui/login" + DashboardFormat.query([("next", back)]))
            }
            var context = context
            context.token = token
            let page = DashboardRequest(request: request, context: context, token: token, api: api)
            guard cached else { return try await Self.render(page, handler, renderer) }
            do {
                let plan = plans.cache.latest().map { "\($0.generation)@\($0.computedAt.timeIntervalSince1970)" } ?? "none"
                let variant = "\(token.id)|\(plan)|\(request.uri.description)"
                return try await pages.value(variant, generation: database.writeGeneration(), now: database.currentDate) {
                    let response = try await Self.render(page, handler, renderer)
                    let kept = RenderedPage(
                        status: response.status, headers: response.headers, body: try await ConditionalGetMiddleware.collect(response.body))
                    guard kept.status.code < 500 else { throw Uncached(page: kept) }
                    return kept
                }.response
            } catch let uncached as Uncached {
                return uncached.page.response
            }
        }
    }

    /// The page `handler` answers, a problem the API answered shown as an error page with its status.
    private static func render(_ page: DashboardRequest, _ handler: DashboardPage, _ renderer: DashboardRenderer) async throws -> Response {
        let (request, context) = (page.request, page.context)
        do {
            return try await handler(page)
        } catch let problem as ProblemDetails {
            let view = DashboardErrorView(
                title: problem.type.title, chrome: page.chrome(.other), status: Int(problem.status.code), detail: problem.detail)
            return renderer.response("error", view, status: problem.status)
        } catch {
            // Anything else the API's handlers throw (a storage fault) is logged, and shown without its details.
            context.logger.error("dashboard page failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            let view = DashboardErrorView(
                title: "The page could not be built", chrome: page.chrome(.other), status: 500,
                detail: "Reading the data behind this page failed; the server's log says why.")
            return renderer.response("error", view, status: .internalServerError)
        }
    }

    /// A CSV route: the API's CSV of `apiPath` with the same query.
    func csv(_ path: String, api apiPath: @escaping @Sendable (DashboardRequest) -> String) -> Endpoint {
        page(path, cached: false) { page in
            // Empty values are dropped, as the pages' own filters do.
            let query = page.request.uri.queryParameters.filter { !$0.value.isEmpty }.map { (String($0.key), Optional(String($0.value))) }
            var response = try await page.api.response(apiPath(page), query: query, accept: "text/csv", context: page.context)
            response.headers[.contentDisposition] = "attachment; filename=\"\(path.split(separator: "/").last ?? "export.csv")\""
            for field in DashboardRenderer.securityHeaders { response.headers[field.name] = field.value }
            return response
        }
    }

    // MARK: - Sign-in

    struct LoginView {
        let title = "Sign in"
        let next: String
        let error: String?
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        if let secret = Self.sessionSecret(request), try await authenticator.session(secret: secret) != nil {
            return DashboardRenderer.redirect(to: next)
        }
        return renderer.response("login", LoginView(next: next, error: nil))
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard Self.isSameOrigin(request) else {
            return renderer.response("login", LoginView(next: "/ui/", error: "The form was sent from another site."), status: .forbidden)
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return renderer.response(
                "login", LoginView(next: "/ui/", error: "Send the form as application/x-www-form-urlencoded."),
                status: .unsupportedMediaType)
        }
        let body = try await request.collectBody(upTo: Self.maximumFormBytes)
        let form = Self.formFields(String(buffer: body))
        let next = Self.safeNext(form["next"])
        let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty, let token = try await authenticator.token(secret: secret) else {
            return renderer.response("login", LoginView(next: next, error: "The token is unknown or revoked."), status: .unauthorized)
        }
        let session = try await database.sessions.open(tokenId: token.id, lifetime: Self.sessionLifetime)
        var cookie = "\(Self.cookieName)=\(session.secret); Path=/ui; Max-Age=\(Int(Self.sessionLifetime)); HttpOnly; SameSite=Strict"
        if Self.isSecure(request) { cookie += "; Secure" }
        return DashboardRenderer.redirect(to: next, headers: [.setCookie: cookie])
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let secret = Self.sessionSecret(request) {
            try await database.sessions.end(secret: secret)
            authenticator.forget(sessionSecret: secret)
        }
        var cookie = "\(Self.cookieName)=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict"
        if Self.isSecure(request) { cookie += "; Secure" }
        return DashboardRenderer.redirect(to: "/ui/login", headers: [.setCookie: cookie])
    }

    @Sendable func stylesheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        var headers = DashboardRenderer.securityHeaders
        headers[.eTag] = renderer.stylesheet.tag
        headers[.cacheControl] = "public, max-age=3600"
        if request.headers[.ifNoneMatch] == renderer.stylesheet.tag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "text/css; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.stylesheet.text)))
    }

    // MARK: - Helpers

    /// The session cookie's value, if the request carries one.
    static func sessionSecret(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }

    /// Where to go after signing in: a dashboard path only (never another site, never a scheme-relative URL).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/ui"), !next.hasPrefix("//"), !next.contains("\\"), next.utf8.count <= 2048,
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " })
        else { return "/ui/" }
        return next
    }

    /// Whether the browser reached this server over TLS (directly or through a proxy that says so).
    static func isSecure(_ request: Request) -> Bool {
        if request.uri.scheme == .https { return true }
        let forwarded = request.headers[.xForwardedProto]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces)
        return forwarded?.lowercased() == "https"
    }

    /// A form post names no other origin: its `Origin` (when the browser sends one) has this server's host.
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = URL(string: origin)?.host, let port = URL(string: origin)?.port.map({ ":\($0)" }) ?? Optional("") else {
            return false
        }
        let authority = host + port
        let served = [request.head.authority, request.headers[HTTPField.Name("X-Forwarded-Host")!]].compactMap { $0 }
        return served.contains { $0.lowercased() == authority.lowercased() || $0.lowercased() == host.lowercased() }
    }

    /// The fields of an `application/x-www-form-urlencoded` body (the last value of a repeated name).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
