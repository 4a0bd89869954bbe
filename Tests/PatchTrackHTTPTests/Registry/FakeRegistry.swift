import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatchTrackCore

/// A small registry endpoint inside the tests, for what Debian's docker-registry (2.8) cannot show: the Bearer token
/// flow of the distribution spec's token service, the OCI 1.1 referrers API, and registries that misbehave (content
/// that does not match its digest, oversized manifests, unknown media types). Served by Hummingbird on loopback.
actor FakeRegistry {
    struct Manifest {
        var data: Data
        var mediaType: String
        /// The digest announced in `Docker-Content-Digest` (the real one unless a test lies).
        var announced: String
    }

    /// Requires a bearer token from `/token` (issued to anyone, or to `basic` credentials when set).
    var bearer = false
    var basic: String?
    private var manifests: [String: Manifest] = [:]
    private var blobs: [String: Data] = [:]
    private var referrers: [String: [[String: Any]]] = [:]
    private var tags: [String] = []
    private(set) var tokenRequests: [String] = []
    private var issued: Set<String> = []

    func requireBearer(basic: String? = nil) {
        bearer = true
        self.basic = basic
    }

    @discardableResult
    func putBlob(_ data: Data) -> String {
        let digest = TestRegistry.digest(data)
        blobs[digest] = data
        return digest
    }

    /// Stores `data` as the blob `digest` whatever its content (a registry serving corrupt content).
    func putBlobUnchecked(_ data: Data, as digest: String) {
        blobs[digest] = data
    }

    /// Stores a manifest under its digest and, when given, `tag`; `announced` overrides the digest header.
    @discardableResult
    func putManifest(_ data: Data, mediaType: String, tag: String? = nil, announced: String? = nil) -> String {
        let digest = TestRegistry.digest(data)
        let manifest = Manifest(data: data, mediaType: mediaType, announced: announced ?? digest)
        manifests[digest] = manifest
        // A registry that lies serves the content under the digest it announced, too.
        manifests[manifest.announced] = manifest
        if let tag {
            manifests[tag] = manifest
            if !tags.contains(tag) { tags.append(tag) }
        }
        return digest
    }

    func addTags(_ names: [String]) { tags += names }

    func addReferrer(subject: String, descriptor: [String: Any]) {
        referrers[subject, default: []].append(descriptor)
    }

    func tokenCount() -> Int { tokenRequests.count }

    /// Answers one request of the registry API.
    func answer(method: HTTPRequest.Method, path: String, query: String, authorization: String?, host: String) -> (HTTPResponse.Status, HTTPFields, Data) {
        if path == "/token" {
            if let basic, authorization != basic { return (.unauthorized, [:], Data()) }
            tokenRequests.append(query)
            let token = "tok-\(tokenRequests.count)"
            issued.insert(token)
            return (.ok, [.contentType: "application/json"], Data(#"{"token":"\#(token)","expires_in":300}"#.utf8))
        }
        if bearer {
            let token = authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let token, issued.contains(token) else {
                var fields: HTTPFields = [:]
                fields[HTTPField.Name("WWW-Authenticate")!] =
                    #"Bearer realm="http://\#(host)/token",service="fake-registry",scope="repository:acme/app:pull""#
                return (.unauthorized, fields, Data())
            }
        }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "v2" else { return (.notFound, [:], Data()) }
        let kind = parts[parts.count - 2]
        let reference = parts[parts.count - 1]
        switch kind {
        case "manifests":
            guard let manifest = manifests[reference] else { return (.notFound, [:], Data()) }
            var fields: HTTPFields = [.contentType: manifest.mediaType]
            fields[HTTPField.Name("Docker-Content-Digest")!] = manifest.announced
            return (.ok, fields, method == .head ? Data() : manifest.data)
        case "blobs":
            guard let blob = blobs[reference] else { return (.notFound, [:], Data()) }
            return (.ok, [.contentType: "application/octet-stream"], blob)
        case "referrers":
            let index: [String: Any] = ["schemaVersion": 2, "mediaType": OCIMediaType.imageIndex, "manifests": referrers[reference] ?? []]
            return (.ok, [.contentType: OCIMediaType.imageIndex], (try? JSONSerialization.data(withJSONObject: index)) ?? Data())
        default:
            if parts.suffix(2) == ["tags", "list"] { return tagPage(query: query, path: path) }
            return (.notFound, [:], Data())
        }
    }

    /// `tags/list` two tags a page (whatever `n` asks), with the `Link` to the next page.
    private func tagPage(query: String, path: String) -> (HTTPResponse.Status, HTTPFields, Data) {
        let last = query.split(separator: "&").first { $0.hasPrefix("last=") }.map { String($0.dropFirst(5)) }
        let sorted = tags.sorted()
        let start = last.flatMap { sorted.firstIndex(of: $0).map { $0 + 1 } } ?? 0
        let page = Array(sorted[min(start, sorted.count)..<min(start + 2, sorted.count)])
        var fields: HTTPFields = [.contentType: "application/json"]
        if start + 2 < sorted.count, let lastTag = page.last {
            fields[HTTPField.Name("Link")!] = "<\(path)?n=2&last=\(lastTag)>; rel=\"next\""
        }
        let body = (try? JSONSerialization.data(withJSONObject: ["name": "acme/app", "tags": page])) ?? Data()
        return (.ok, fields, body)
    }

    /// Serves the registry during `body`, which gets its host (`127.0.0.1:PORT`).
    func serve<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let (status, fields, data) = await self.answer(
                method: request.method, path: request.uri.path, query: request.uri.query ?? "",
                authorization: request.headers[.authorization], host: request.head.authority ?? "127.0.0.1")
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("**", use: handler)
        router.head("**", use: handler)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await body("127.0.0.1:\(port)")
        }
    }
}
