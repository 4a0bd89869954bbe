import Crypto
import Foundation
import Logging
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackRegistry
@testable import PatchTrackStorage

/// The parts of the distribution protocol the Debian registry cannot show, against ``FakeRegistry``: the Bearer token
/// flow, `Link` pagination, the referrers API, and registries that serve what they must not.
@Suite("Registry protocol: tokens, pagination, referrers and bad content")
struct RegistryProtocolTests {
    /// An OCI image (config + manifest) stored in `registry` under `tag`; answers the manifest's digest.
    static func image(_ registry: FakeRegistry, tag: String?, seed: String = UUID().uuidString) async -> String {
        let config = Data(#"{"architecture":"amd64","os":"linux","created":"2026-12-01T00:00:00Z","config":{"Labels":{"seed":"\#(seed)"}}}"#.utf8)
        let configDigest = await registry.putBlob(config)
        let manifest = Data(
            #"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","config":{"mediaType":"\#(OCIMediaType.imageConfig)","digest":"\#(configDigest)","size":\#(config.count)},"layers":[]}"#
                .utf8)
        return await registry.putManifest(manifest, mediaType: OCIMediaType.imageManifest, tag: tag)
    }

    static func setUp(_ environment: TestEnvironment, host: String, credentials: RegistryCredentials? = nil) async throws -> (RegistryPoller, RegistryClient) {
        _ = try await environment.database.registries.put(
            RegistryDefinition(host: host, url: "http://\(host)", insecure: true), credentials: credentials)
        let client = RegistryClient()
        return (RegistryPoller(database: environment.database, client: client, logger: Logger(label: "patchtrack.tests")), client)
    }

    @Test("the Bearer token flow: a token for the pull scope, fetched once and reused; with Basic credentials to the token service")
    func bearer() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let registry = FakeRegistry()
        await registry.requireBearer(basic: "Basic " + Data("ci:s3cret".utf8).base64EncodedString())
        let digests = [await Self.image(registry, tag: "1.0"), await Self.image(registry, tag: "1.1")]
        try await registry.serve { host in
            let (poller, client) = try await Self.setUp(environment, host: host, credentials: .basic(username: "ci", password: "s3cret"))
            defer { Task { try? await client.shutdown() } }
            let watch = try await environment.database.watches.create(
                WatchDefinition(repository: try RepositoryName(parsing: "\(host)/acme/app"), tags: ["1.0", "1.1"], tagPattern: nil, intervalMinutes: 60),
                tokenName: nil)
            let report = try await poller.poll(watch)
            #expect(report.error == nil)
            #expect(report.imagesRegistered == 2)
            for digest in digests { #expect(try await environment.database.registry.image(digest: digest) != nil) }
            let requests = await registry.tokenRequests
            #expect(requests.count == 1, "one token for the repository's pull scope, reused: \(requests)")
            #expect(requests.first?.contains("scope=repository:acme/app:pull") == true)
            #expect(requests.first?.contains("service=fake-registry") == true)

            // wrong credentials for the token service: refused, reported
            _ = try await environment.database.registries.put(
                RegistryDefinition(host: host, url: "http://\(host)", insecure: true), credentials: .basic(username: "ci", password: "no"))
            let refused = try await poller.poll(try await environment.database.watches.create(
                WatchDefinition(repository: try RepositoryName(parsing: "\(host)/acme/other"), tags: ["1.0"], tagPattern: nil, intervalMinutes: 60),
                tokenName: nil))
            #expect(refused.error?.contains("not authorised") == true)
        }
    }

    @Test("a tag pattern follows the tag list's Link pagination, with an anonymous token as Docker Hub and GHCR hand out")
    func pagination() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let registry = FakeRegistry()
        await registry.requireBearer()
        for tag in ["1.0", "1.1", "1.2", "2.0", "latest"] { _ = await Self.image(registry, tag: tag) }
        try await registry.serve { host in
            let (poller, client) = try await Self.setUp(environment, host: host)
            defer { Task { try? await client.shutdown() } }
            let watch = try await environment.database.watches.create(
                WatchDefinition(repository: try RepositoryName(parsing: "\(host)/acme/app"), tags: nil, tagPattern: #"1\.\d+"#, intervalMinutes: 60),
                tokenName: nil)
            let report = try await poller.poll(watch)
            #expect(report.error == nil)
            #expect(report.tagsPolled == 3, "three pages of two tags, 1.0, 1.1 and 1.2 selected")
            #expect(try await environment.database.watches.watch(id: watch.id)?.tagsSeen.keys.sorted() == ["1.0", "1.1", "1.2"])
            #expect(await registry.tokenCount() == 1)
        }
    }

    @Test("a signature found through the referrers API verifies, named as such")
    func referrers() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let registry = FakeRegistry()
        let digest = await Self.image(registry, tag: "1.0")
        let key = P256.Signing.PrivateKey()
        let payload = Data(
            #"{"critical":{"identity":{"docker-reference":"acme/app"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":null}"#
                .utf8)
        let payloadDigest = await registry.putBlob(payload)
        let signature = try key.signature(for: payload).derRepresentation.base64EncodedString()
        let artifact = Data(
            #"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","artifactType":"\#(SignatureChecker.artifactType)","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"\#(SignatureCandidate.payloadMediaType)","digest":"\#(payloadDigest)","size":\#(payload.count),"annotations":{"\#(SignatureCandidate.signatureAnnotation)":"\#(signature)"}}],"subject":{"mediaType":"\#(OCIMediaType.imageManifest)","digest":"\#(digest)","size":1}}"#
                .utf8)
        let artifactDigest = await registry.putManifest(artifact, mediaType: OCIMediaType.imageManifest)
        await registry.addReferrer(subject: digest, descriptor: [
            "mediaType": OCIMediaType.imageManifest, "digest": artifactDigest, "size": artifact.count, "artifactType": SignatureChecker.artifactType,
        ])
        try await registry.serve { host in
            let (poller, client) = try await Self.setUp(environment, host: host)
            defer { Task { try? await client.shutdown() } }
            let body = try JSONSerialization.data(withJSONObject: ["trusted_keys": [["name": "ci", "public_key_pem": key.publicKey.pemRepresentation]]])
            try await environment.withClient { http in
                let answer = try await http.send(.put, "/v1/policy", token: environment.admin, body: String(decoding: body, as: UTF8.self))
                #expect(answer.status == .ok)
            }
            let report = try await poller.poll(try await environment.database.watches.create(
                WatchDefinition(repository: try RepositoryName(parsing: "\(host)/acme/app"), tags: ["1.0"], tagPattern: nil, intervalMinutes: 60),
                tokenName: nil))
            #expect(report.error == nil)
            let stored = try #require(try await environment.database.signatures.signature(digest: digest))
            #expect(stored.state == .verified)
            #expect(stored.key == "ci")
            #expect(stored.source == "referrers")
        }
    }

    @Test("content that does not match its digest, a manifest over 4 MiB and an unknown media type register nothing; other tags go on")
    func badContent() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let registry = FakeRegistry()
        let good = await Self.image(registry, tag: "good")
        // a manifest announced under another digest than its content's
        let honest = Data(#"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","config":{"mediaType":"x","digest":"sha256:\#(String(repeating: "1", count: 64))","size":1},"layers":[]}"#.utf8)
        await registry.putManifest(honest, mediaType: OCIMediaType.imageManifest, tag: "lying", announced: "sha256:" + String(repeating: "2", count: 64))
        // a manifest larger than 4 MiB
        let padding = String(repeating: "a", count: 4 << 20)
        await registry.putManifest(
            Data(#"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","annotations":{"pad":"\#(padding)"}}"#.utf8),
            mediaType: OCIMediaType.imageManifest, tag: "huge")
        // a schema 1 manifest
        await registry.putManifest(
            Data(#"{"schemaVersion":1,"name":"acme/app","tag":"old","fsLayers":[]}"#.utf8),
            mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws", tag: "old")
        // a config blob whose content does not match its digest
        let config = Data(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let wrongConfigDigest = "sha256:" + String(repeating: "3", count: 64)
        await registry.putBlobUnchecked(config, as: wrongConfigDigest)
        await registry.putManifest(
            Data(#"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","config":{"mediaType":"\#(OCIMediaType.imageConfig)","digest":"\#(wrongConfigDigest)","size":\#(config.count)},"layers":[]}"#.utf8),
            mediaType: OCIMediaType.imageManifest, tag: "badconfig")
        try await registry.serve { host in
            let (poller, client) = try await Self.setUp(environment, host: host)
            defer { Task { try? await client.shutdown() } }
            let watch = try await environment.database.watches.create(
                WatchDefinition(
                    repository: try RepositoryName(parsing: "\(host)/acme/app"), tags: ["good", "lying", "huge", "old", "badconfig"],
                    tagPattern: nil, intervalMinutes: 60),
                tokenName: nil)
            let report = try await poller.poll(watch)
            #expect(report.imagesRegistered == 1)
            let error = try #require(report.error)
            #expect(error.contains("lying: content digest mismatch"))
            #expect(error.contains("huge: the manifest"), "\(error)")
            #expect(error.contains("larger than the limit of 4194304 bytes"))
            #expect(error.contains("old: unsupported media type"))
            #expect(error.contains("badconfig: content digest mismatch"))
            #expect(try await environment.database.registry.image(digest: good) != nil)
            let images = try await environment.database.registry.images(repository: nil, tag: nil, after: nil, limit: 100)
            #expect(images.items.map(\.digest) == [good], "nothing half-registered")
        }
    }
}
