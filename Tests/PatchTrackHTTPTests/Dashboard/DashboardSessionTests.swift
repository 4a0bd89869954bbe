import Foundation
import HTTPTypes
import PatchTrackStorage
import Testing

@testable import PatchTrackHTTP

/// Signs in to the dashboard with `token`; returns the sign-in answer and the session cookie (`name=value`).
func signIn(_ client: Client, token: String, headers: HTTPFields = [:]) async throws -> (Client.Reply, String?) {
    var fields = headers
    fields[.contentType] = "application/x-www-form-urlencoded"
    let body = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token) + "&next=%2Fui%2Fsla"
    let reply = try await client.send(.post, "/ui/login", body: body, headers: fields)
    let cookie = reply.headers[.setCookie]?.split(separator: ";").first.map(String.init)
    return (reply, cookie)
}

@Suite("Dashboard sign-in and sessions")
struct DashboardSessionTests {
    @Test("a page without a session redirects to the sign-in form, which comes back to it")
    func redirectsToLogin() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let root = try await client.send(.get, "/")
            #expect(root.status == .seeOther)
            #expect(root.headers[.location] == "/ui/")
            let page = try await client.send(.get, "/ui/?x=1")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/ui/login?next=/ui/?x%3D1")
            // A bearer token is not a session: the pages take cookies only.
            let bearer = try await client.send(.get, "/ui/", token: environment.read)
            #expect(bearer.status == .seeOther)
            let form = try await client.send(.get, "/ui/login?next=/ui/sla")
            #expect(form.status == .ok)
            #expect(form.headers[.contentType] == "text/html; charset=utf-8")
            #expect(form.text.contains(#"<input type="hidden" name="next" value="/ui/sla">"#))
        }
    }

    @Test("signing in with a read token sets an HttpOnly, SameSite=Strict session cookie; Secure behind TLS")
    func cookieAttributes() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (reply, cookie) = try await signIn(client, token: environment.read)
            #expect(reply.status == .seeOther)
            #expect(reply.headers[.location] == "/ui/sla")
            let setCookie = try #require(reply.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Path=/ui"))
            #expect(!setCookie.contains("Secure"))
            // The cookie is no token: neither the secret nor its lookup key is in it.
            #expect(!setCookie.contains(environment.read))
            let page = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<strong id="who">dashboard</strong> (read)"#))

            let (secure, _) = try await signIn(client, token: environment.read, headers: [.xForwardedProto: "https"])
            #expect(secure.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test("only the session's hash is stored, with an expiry")
    func storedHashed() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (_, cookie) = try await signIn(client, token: environment.read)
            let secret = try #require(cookie?.split(separator: "=", maxSplits: 1).last.map(String.init))
            #expect(secret.count == 43)
            let rows = try await environment.database.executor.read { session in
                try session.fetchAll("SELECT secretHash, createdAt, expiresAt FROM uiSession")
            }
            #expect(rows.count == 1)
            let hash = try rows[0].decode("secretHash", as: Data.self)
            #expect(hash.count == 32)
            #expect(!String(decoding: hash, as: UTF8.self).contains(secret))
            #expect(try rows[0].decode("expiresAt", as: String.self) > rows[0].decode("createdAt", as: String.self))
        }
    }

    @Test("a wrong token is refused with the form again, and no session")
    func wrongToken() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (reply, _) = try await signIn(client, token: "pt_AAAAAAAAAAAA_" + String(repeating: "B", count: 40))
            #expect(reply.status == .unauthorized)
            #expect(reply.headers[.setCookie] == nil)
            #expect(reply.text.contains("The token is unknown or revoked."))
            let empty = try await client.send(
                .post, "/ui/login", body: "token=", headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(empty.status == .unauthorized)
            let json = try await client.send(.post, "/ui/login", body: #"{"token":"x"}"#)
            #expect(json.status == .unsupportedMediaType)
            let crossSite = try await client.send(
                .post, "/ui/login", body: "token=\(environment.read)",
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.headers[.setCookie] == nil)
        }
        #expect(try await Seeder(environment).count("SELECT count(*) FROM uiSession WHERE tokenId = 3") == 0)
    }

    @Test("after signing in, only dashboard paths are followed")
    func nextIsLocal() {
        #expect(DashboardController.safeNext("/ui/images/sha256:ab") == "/ui/images/sha256:ab")
        #expect(DashboardController.safeNext("https://evil.example/") == "/ui/")
        #expect(DashboardController.safeNext("//evil.example/ui") == "/ui/")
        #expect(DashboardController.safeNext("/ui\\@evil.example") == "/ui/")
        #expect(DashboardController.safeNext("/v1/tokens") == "/ui/")
        #expect(DashboardController.safeNext(nil) == "/ui/")
    }

    @Test("signing out ends the session; revoking the token ends its other sessions")
    func logoutAndRevocation() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (_, first) = try await signIn(client, token: environment.read)
            let (_, second) = try await signIn(client, token: environment.read)
            let firstCookie = try #require(first)
            let secondCookie = try #require(second)
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: firstCookie]).status == .ok)
            let out = try await client.send(.post, "/ui/logout", headers: [.cookie: firstCookie])
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: firstCookie]).status == .seeOther)
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: secondCookie]).status == .ok)

            let tokens = try await client.send(.get, "/v1/tokens", token: environment.admin)
            let items = try #require(tokens.json["items"] as? [[String: Any]])
            let readId = try #require(items.first { $0["name"] as? String == "dashboard" }?["id"] as? Int)
            #expect(try await client.send(.delete, "/v1/tokens/\(readId)", token: environment.admin).status == .ok)
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: secondCookie]).status == .seeOther)
            #expect(try await Seeder(environment).count("SELECT count(*) FROM uiSession WHERE tokenId = \(readId)") == 0)
        }
    }

    @Test("an expired session is refused")
    func expiry() async throws {
        let clock = TestClock("2026-12-05T10:00:00Z")
        let environment = try await TestEnvironment(now: clock.closure)
        defer { environment.remove() }
        try await environment.withClient { client in
            let (_, cookie) = try await signIn(client, token: environment.read)
            let session = try #require(cookie)
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: session]).status == .ok)
            clock.set("2026-12-05T22:00:01Z")
            #expect(try await client.send(.get, "/ui/", headers: [.cookie: session]).status == .seeOther)
        }
    }

    @Test("pages carry the security headers; the stylesheet is served without a session")
    func securityHeaders() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await environment.withClient { client in
            let (_, cookie) = try await signIn(client, token: environment.read)
            let page = try await client.send(.get, "/ui/", headers: [.cookie: try #require(cookie)])
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.referrerPolicy] == "same-origin")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(!page.text.contains("<script"))
            #expect(!page.text.contains("style=\""))
            let css = try await client.send(.get, "/ui/static/style.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.contains("prefers-color-scheme: dark"))
            let again = try await client.send(.get, "/ui/static/style.css", headers: [.ifNoneMatch: try #require(css.headers[.eTag])])
            #expect(again.status == .notModified)
        }
    }
}
