import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PatchTrackCore
import PatchTrackStorage

/// Requests to one repository of one registry: tags, manifests and blobs, authenticated as its challenge asks.
public struct RegistryRepository: Sendable {
    let client: RegistryClient
    let access: RegistryAccess
    let repository: RepositoryName

    private var base: String {
        var url = access.definition.url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Every tag `GET /v2/<name>/tags/list` lists, following its `Link` pagination.
    public func tags() async throws(RegistryError) -> [String] {
        struct Page: Decodable { var tags: [String]? }
        var tags: [String] = []
        var next: String? = "\(base)/v2/\(repository.path)/tags/list?n=1000"
        var pages = 0
        while let url = next, pages < 1_000 {
            pages += 1
            let answer = try await request(url, method: .GET, accept: ["application/json"], limit: client.settings.maximumManifestBytes, what: "the tag list")
            guard let page = try? JSONDecoder().decode(Page.self, from: answer.body) else {
                throw .malformed("the tag list of \(repository) is not valid JSON")
            }
            tags += page.tags ?? []
            next = answer.headers.first(name: "Link").flatMap(RegistryLink.next).map(absolute)
        }
        return tags
    }

    /// The digest `tag` points to, by `HEAD /v2/<name>/manifests/<tag>` (a GET when the registry sends no
    /// `Docker-Content-Digest`).
    public func resolve(tag: String) async throws(RegistryError) -> Digest {
        let url = "\(base)/v2/\(repository.path)/manifests/\(tag)"
        let answer = try await request(url, method: .HEAD, accept: OCIMediaType.acceptedManifests, limit: 0, what: "the manifest of \(tag)")
        if let header = answer.headers.first(name: "Docker-Content-Digest"), let digest = try? Digest(parsing: header) {
            return digest
        }
        return try await manifest(reference: tag).digest
    }

    /// The manifest or index `reference` (a tag or a digest) names, checked against the digest asked for (or the
    /// one the registry announced for a tag).
    public func manifest(reference: String) async throws(RegistryError) -> (document: OCIDocument, data: Data, digest: Digest) {
        let url = "\(base)/v2/\(repository.path)/manifests/\(reference)"
        let answer = try await request(url, method: .GET, accept: OCIMediaType.acceptedManifests, limit: client.settings.maximumManifestBytes, what: "the manifest \(reference)")
        let actual = ContentDigest.sha256(of: answer.body)
        let expected = reference.hasPrefix("sha256:") ? reference : answer.headers.first(name: "Docker-Content-Digest")
        if let expected, expected != actual { throw .digestMismatch(expected: expected, actual: actual) }
        let document = try OCIDocument(parsing: answer.body, contentType: answer.headers.first(name: "Content-Type"))
        guard let digest = try? Digest(parsing: actual) else { throw .malformed("digest \(actual)") }
        return (document, answer.body, digest)
    }

    /// The manifest `reference` names, or nil when the registry has none (404).
    public func manifestIfPresent(reference: String) async throws(RegistryError) -> (document: OCIDocument, data: Data, digest: Digest)? {
        do {
            return try await manifest(reference: reference)
        } catch .notFound {
            return nil
        }
    }

    /// The descriptors of the artifacts that refer to `digest` (OCI 1.1 referrers API), those of `artifactType` when
    /// given; nil when the registry does not offer the API (404, as registries before OCI 1.1 answer).
    public func referrers(_ digest: Digest, artifactType: String?) async throws(RegistryError) -> [OCIDescriptor]? {
        var url = "\(base)/v2/\(repository.path)/referrers/\(digest.value)"
        if let artifactType {
            url += "?artifactType=\(artifactType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? artifactType)"
        }
        let answer: RegistryClient.Answer
        do {
            answer = try await request(url, method: .GET, accept: [OCIMediaType.imageIndex], limit: client.settings.maximumManifestBytes, what: "the referrers of \(digest)")
        } catch .notFound {
            return nil
        }
        let index = try OCIDocument(parsing: answer.body, contentType: answer.headers.first(name: "Content-Type"))
        // A registry that does not filter says so in OCI-Filters-Applied; filter here either way.
        return index.manifests.filter { artifactType == nil || $0.artifactType == artifactType }
    }

    /// The blob `digest`, checked against it. A redirect to the blob's storage is followed (at most three, http or
    /// https, without the registry's credentials): the distribution spec allows registries to serve blobs so.
    public func blob(_ digest: String, limit: Int) async throws(RegistryError) -> Data {
        var url = "\(base)/v2/\(repository.path)/blobs/\(digest)"
        var authenticated = true
        for _ in 0..<4 {
            let answer = authenticated
                ? try await request(url, method: .GET, accept: ["*/*"], limit: limit, what: "the blob \(digest)", allowRedirect: true)
                : try await client.send(HTTPClientRequest(url: url), insecure: access.definition.insecure, limit: limit, what: "the blob \(digest)")
            if (300..<400).contains(answer.status) {
                guard let location = answer.headers.first(name: "Location"), let target = URL(string: absolute(location)),
                    target.scheme == "https" || target.scheme == "http"
                else { throw .redirected("the blob \(digest) redirects to an unusable location") }
                url = target.absoluteString
                authenticated = false
                continue
            }
            try Self.check(answer, url: url, what: "the blob \(digest)")
            let actual = ContentDigest.sha256(of: answer.body)
            guard actual == digest else { throw .digestMismatch(expected: digest, actual: actual) }
            return answer.body
        }
        throw .redirected("the blob \(digest) redirects more than three times")
    }

    // MARK: - Requests

    /// A request with the credentials the registry asks for: sent with a cached token (or the configured one)
    /// first; a 401 is answered once by its challenge (a bearer token fetched for the repository's pull scope, or
    /// Basic credentials).
    private func request(
        _ url: String, method: HTTPMethod, accept: [String], limit: Int, what: String, allowRedirect: Bool = false
    ) async throws(RegistryError) -> RegistryClient.Answer {
        var authorization = await cachedAuthorization()
        for attempt in 0..<2 {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "User-Agent", value: "PatchTrack registry")
            for type in accept { request.headers.add(name: "Accept", value: type) }
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            let answer = try await client.send(request, insecure: access.definition.insecure, limit: limit, what: what)
            if answer.status == 401, attempt == 0,
                let header = answer.headers.first(name: "WWW-Authenticate"), let challenge = RegistryChallenge(header: header)
            {
                authorization = try await respond(to: challenge)
                continue
            }
            if allowRedirect, (300..<400).contains(answer.status) { return answer }
            try Self.check(answer, url: url, what: what)
            return answer
        }
        throw .unauthorized("\(what): the registry refused the credentials it asked for")
    }

    private static func check(_ answer: RegistryClient.Answer, url: String, what: String) throws(RegistryError) {
        switch answer.status {
        case 200..<300: return
        case 300..<400: throw .redirected("\(url) answered \(answer.status)")
        case 401, 403: throw .unauthorized("\(what): HTTP \(answer.status)")
        case 404: throw .notFound(what)
        default:
            let detail = String(decoding: answer.body.prefix(200), as: UTF8.self)
            throw .status(Int(answer.status), "\(what): \(detail)")
        }
    }

    private var scope: String { "repository:\(repository.path):pull" }

    private func cachedAuthorization() async -> String? {
        if case .token(let token) = access.credentials { return "Bearer \(token)" }
        if let token = await client.tokens.token("\(access.definition.host) \(scope)") { return "Bearer \(token)" }
        return nil
    }

    private var basic: String? {
        guard case .basic(let username, let password) = access.credentials else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The Authorization a challenge asks for.
    private func respond(to challenge: RegistryChallenge) async throws(RegistryError) -> String {
        switch challenge.scheme {
        case .basic:
            guard let basic else { throw .unauthorized("the registry asks for Basic credentials and none are configured") }
            return basic
        case .bearer:
            guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
                components.scheme == "https" || (components.scheme == "http" && access.definition.insecure)
            else { throw .unauthorized("the registry's token realm is not a usable URL") }
            var items = components.queryItems ?? []
            if let service = challenge.parameters["service"] { items.append(URLQueryItem(name: "service", value: service)) }
            items.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? scope))
            components.queryItems = items
            guard let url = components.url?.absoluteString else { throw .unauthorized("the registry's token realm is not a URL") }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "PatchTrack registry")
            if let basic { request.headers.add(name: "Authorization", value: basic) }
            let answer = try await client.send(request, insecure: access.definition.insecure, limit: 1 << 20, what: "the token")
            guard answer.status == 200 else { throw .unauthorized("the token service answered HTTP \(answer.status)") }
            struct Token: Decodable {
                var token: String?
                var access_token: String?
                var expires_in: Int?
            }
            guard let decoded = try? JSONDecoder().decode(Token.self, from: answer.body), let token = decoded.token ?? decoded.access_token,
                !token.isEmpty
            else { throw .unauthorized("the token service answered no token") }
            await client.tokens.keep(token, key: "\(access.definition.host) \(scope)", lifetime: TimeInterval(decoded.expires_in ?? 60))
            return "Bearer \(token)"
        }
    }

    /// `location` resolved against the registry's base URL.
    private func absolute(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        guard let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL) else { return location }
        return resolved.absoluteString
    }
}
