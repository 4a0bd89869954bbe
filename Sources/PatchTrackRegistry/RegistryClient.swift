import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PatchTrackCore
import PatchTrackStorage

/// How registries are read: timeouts and sizes.
public struct RegistryClientSettings: Sendable {
    public var connectTimeout: TimeAmount = .seconds(5)
    /// Longest silence while reading an answer.
    public var readTimeout: TimeAmount = .seconds(30)
    /// Longest time for one request, first byte sent to last byte read.
    public var requestDeadline: TimeAmount = .seconds(60)
    /// Largest manifest or index (the 4 MiB; registries themselves refuse larger manifests).
    public var maximumManifestBytes = 4 << 20
    /// Largest config blob.
    public var maximumConfigBytes = 8 << 20
    /// Largest attached SBOM (or attestation) read.
    public var maximumSBOMBytes = 64 << 20

    public init() {}
}

/// Reads registries through the OCI Distribution API with AsyncHTTPClient: bearer and basic authentication from
/// the `WWW-Authenticate` challenge, no redirect except a blob's (to its storage, without credentials), sizes limited,
/// every manifest and blob checked against its digest. https://github.com/opencontainers/distribution-spec/blob/main/spec.md
public final class RegistryClient: Sendable {
    let settings: RegistryClientSettings
    private let verified: HTTPClient
    private let unverified: HTTPClient
    let tokens = TokenCache()

    public init(settings: RegistryClientSettings = RegistryClientSettings()) {
        self.settings = settings
        func client(verify: Bool) -> HTTPClient {
            var tls = TLSConfiguration.makeClientConfiguration()
            if !verify { tls.certificateVerification = .none }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(connect: settings.connectTimeout, read: settings.readTimeout), decompression: .disabled)
            configuration.httpVersion = .http1Only
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        verified = client(verify: true)
        unverified = client(verify: false)
    }

    public func shutdown() async throws {
        try await verified.shutdown()
        try await unverified.shutdown()
    }

    /// A session on one repository of the registry `access` describes.
    public func repository(_ repository: RepositoryName, access: RegistryAccess) -> RegistryRepository {
        RegistryRepository(client: self, access: access, repository: repository)
    }

    /// An answer whose body was read (at most `limit` bytes).
    struct Answer: Sendable {
        var status: UInt
        var headers: HTTPHeaders
        var body: Data
    }

    /// One request, its body read up to `limit` bytes (a larger body is ``RegistryError/tooLarge(_:limit:)``).
    func send(_ request: HTTPClientRequest, insecure: Bool, limit: Int, what: String) async throws(RegistryError) -> Answer {
        let client = insecure ? unverified : verified
        do {
            let response = try await client.execute(request, timeout: settings.requestDeadline)
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit, request.method != .HEAD {
                throw RegistryError.tooLarge(what, limit: limit)
            }
            var body = Data()
            if request.method != .HEAD {
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= limit else { throw RegistryError.tooLarge(what, limit: limit) }
                    body.append(contentsOf: chunk.readableBytesView)
                }
            }
            return Answer(status: response.status.code, headers: response.headers, body: body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .unreachable("\(request.url): \(error)")
        }
    }
}

/// Bearer tokens by realm, service and scope, until shortly before they expire.
actor TokenCache {
    private var tokens: [String: (token: String, expires: Date)] = [:]

    func token(_ key: String) -> String? {
        guard let entry = tokens[key], entry.expires > Date() else { return nil }
        return entry.token
    }

    func keep(_ token: String, key: String, lifetime: TimeInterval) {
        if tokens.count > 1_000 { tokens.removeAll() }
        tokens[key] = (token, Date().addingTimeInterval(max(lifetime - 10, 1)))
    }
}

/// The digest of content as registries name it.
enum ContentDigest {
    /// The sha256 digest of `data`, `sha256:<hex>`.
    static func sha256(of data: Data) -> String {
        "sha256:" + ScanStore.contentHash(of: data)
    }
}
