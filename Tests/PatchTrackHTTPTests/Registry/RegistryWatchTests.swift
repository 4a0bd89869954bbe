import Foundation
import Logging
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackRegistry
@testable import PatchTrackStorage

/// Watches polled against a real registry (docker-registry on loopback): images pushed through the registry's own
/// API, tags moved, and the rebuild plan following with nobody posting anything.
@Suite("Registry watches against a real registry", .enabled(if: TestRegistry.available, TestRegistry.skipReason))
struct RegistryWatchTests {
    static let logger = Logger(label: "patchtrack.tests.registry")

    /// A poller over `environment` with a client of its own, and the registry configured (plain HTTP on loopback).
    static func poller(_ environment: TestEnvironment, _ registry: TestRegistry) async throws -> (RegistryPoller, RegistryClient) {
        _ = try await environment.database.registries.put(
            RegistryDefinition(host: registry.host, url: registry.url, insecure: true), credentials: nil)
        let client = RegistryClient()
        return (RegistryPoller(database: environment.database, client: client, logger: logger), client)
    }

    static func watch(_ environment: TestEnvironment, _ repository: RepositoryName, tags: [String]? = nil, pattern: String? = nil) async throws -> StoredWatch {
        try await environment.database.watches.create(
            WatchDefinition(repository: repository, tags: tags, tagPattern: pattern, intervalMinutes: 60), tokenName: "admin")
    }

    @Test("a base tag moved in the registry puts the images built on it in the rebuild plan, with no CI involved")
    func baseTagMoves() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let builder = bed.builder

        // given: debian:12-slim, and two app tags built on it (BuildKit's base annotations)
        let debian = try registry.repository("library/debian")
        let app = try registry.repository("acme/app")
        let old = try await builder.pushImage("library/debian", tag: "12-slim", labels: ["org.opencontainers.image.version": "12.7"])
        let base = (name: "\(debian.value):12-slim", digest: old.digest)
        let created = Timestamp.format(Date().addingTimeInterval(-3_600))
        let v1 = try await builder.pushImage(
            "acme/app", tag: "1.0", created: created, labels: ["org.opencontainers.image.source": "https://git.example/acme/app"], base: base)
        let v11 = try await builder.pushImage("acme/app", tag: "1.1", base: base)
        try await builder.pushImage("acme/app", tag: "dev", base: base)
        let baseWatch = try await Self.watch(environment, debian, tags: ["12-slim"])
        let appWatch = try await Self.watch(environment, app, pattern: #"1\.[0-9]+"#)

        let first = try await poller.poll(appWatch)
        #expect(first.error == nil)
        #expect(first.tagsPolled == 2, "the pattern selects 1.0 and 1.1, not dev")
        #expect(first.imagesRegistered == 2)
        _ = try await poller.poll(baseWatch)
        let image = try #require(try await environment.database.registry.image(digest: v1.digest))
        #expect(image.baseDigest == old.digest)
        #expect(image.platform == "linux/amd64")
        #expect(image.created == created)
        #expect(image.labels["org.opencontainers.image.source"] == "https://git.example/acme/app")
        #expect(image.sourceRepository == "https://git.example/acme/app")
        let tags = try await environment.database.watches.currentTags(repository: app, tags: ["1.0", "1.1", "dev"])
        #expect(tags == ["1.0": v1.digest, "1.1": v11.digest])

        try await environment.withClient { http in
            #expect(try await http.plan(token: environment.read).isEmpty)

            // when: the base tag moves to a patched digest, and the watch polls
            let patched = try await builder.pushImage("library/debian", tag: "12-slim")
            let moved = try await poller.poll(baseWatch)

            // then
            #expect(moved.tagsChanged == 1)
            let items = try await http.plan(token: environment.read)
            #expect(Set(items.compactMap { $0["digest"] as? String }) == [v1.digest, v11.digest])
            #expect(items.allSatisfy { reasonCodes($0).contains("base_image_updated") })
            let reason = try #require((items.first?["reasons"] as? [[String: Any]])?.first { $0["code"] as? String == "base_image_updated" })
            #expect(reason["current"] as? String == patched.digest)
            let history = try await http.send(.get, "/v1/repositories/\(debian.value)", token: environment.read)
            #expect(history.status == .ok)
        }

        // a poll where nothing changed registers nothing and records the tags seen
        let quiet = try await poller.poll(appWatch)
        #expect(quiet.tagsChanged == 0 && quiet.imagesRegistered == 0 && quiet.error == nil)
        let status = try #require(try await environment.database.watches.watch(id: appWatch.id))
        #expect(status.tagsSeen == ["1.0": v1.digest, "1.1": v11.digest])
        #expect(status.lastPoll != nil && status.lastChange != nil && status.lastError == nil && status.pollsTotal == 2)
    }

    @Test("an index registers each platform manifest with its platform, skips attestations, and counts them tracked")
    func index() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let builder = bed.builder
        let repository = try registry.repository("acme/multi")
        let pushed = try await builder.pushIndex("acme/multi", tag: "2.0")

        let report = try await poller.poll(try await Self.watch(environment, repository, tags: ["2.0"]))
        #expect(report.error == nil)
        #expect(report.imagesRegistered == 3, "the index and two platform manifests; the attestation is not an image")
        let index = try #require(try await environment.database.registry.image(digest: pushed.index))
        #expect(index.tags.map(\.name) == ["2.0"])
        #expect(try await environment.database.registry.image(digest: pushed.amd64)?.platform == "linux/amd64")
        #expect(try await environment.database.registry.image(digest: pushed.arm64)?.platform == "linux/arm64")
        let tracked = try await environment.database.executor.read { session in
            try session.fetchAll("SELECT i.digest FROM image i WHERE i.id IN \(RegistryStore.trackedImageIds) ORDER BY i.digest")
                .map { try $0.decode(0, as: String.self) }
        }
        #expect(tracked == [pushed.index, pushed.amd64, pushed.arm64].sorted())
    }

    @Test("a missing tag and an unreachable registry are recorded in the watch's status; the other tags go on")
    func faults() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let builder = bed.builder
        let repository = try registry.repository("acme/app")
        let pushed = try await builder.pushImage("acme/app", tag: "1.0")

        let watch = try await Self.watch(environment, repository, tags: ["1.0", "missing"])
        let report = try await poller.poll(watch)
        #expect(report.imagesRegistered == 1)
        #expect(report.error?.contains("missing: not found") == true)
        let status = try #require(try await environment.database.watches.watch(id: watch.id))
        #expect(status.tagsSeen == ["1.0": pushed.digest])
        #expect(status.errorsTotal == 1)
        #expect(try await environment.database.registries.registry(host: registry.host)?.lastError?.contains("missing") == true)
        try await environment.withClient { http in
            let metrics = try await http.send(.get, "/metrics").text
            let labels = #"{watch="\#(watch.id)",repository="\#(repository.value)"}"#
            #expect(metrics.contains("patchtrack_watch_failing\(labels) 1.0"), "\(metrics)")
            #expect(metrics.contains("patchtrack_watch_tags\(labels) 1.0"))
            #expect(metrics.contains("patchtrack_watch_errors_total\(labels) 1"))
            #expect(metrics.contains("patchtrack_watch_last_poll_timestamp_seconds\(labels) "))
        }

        // a registry that is not there: reported, nothing registered, no hang
        let closedPort = try TestRegistry.freePort()
        let nowhere = try RepositoryName(parsing: "127.0.0.1:\(closedPort)/acme/app")
        _ = try await environment.database.registries.put(
            RegistryDefinition(host: "127.0.0.1:\(closedPort)", url: "http://127.0.0.1:\(closedPort)", insecure: true), credentials: nil)
        let gone = try await poller.poll(try await Self.watch(environment, nowhere, tags: ["1.0"]))
        #expect(gone.imagesRegistered == 0)
        #expect(gone.error?.contains("registry unreachable") == true)
    }

    @Test("Basic authentication from the registry's challenge with the configured credentials; without them the poll is refused")
    func basicAuthentication() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        // The user "ci" with the password "s3cret", bcrypt (Python's crypt with METHOD_BLOWFISH, as htpasswd -B writes it).
        let registry = try await TestRegistry(htpasswd: "ci:$2b$05$h0ta8.gA1s/rO3.KR71YQOkfRKRVEnvIpl.wPDPtd0E6ZwLOwr1vG\n")
        defer { registry.stop() }
        let authorization = "Basic " + Data("ci:s3cret".utf8).base64EncodedString()
        let pushed = try await RegistryImageBuilder(registry: registry).pushImage("acme/app", tag: "1.0", authorization: authorization)
        let (poller, client) = try await Self.poller(environment, registry)
        defer { Task { try? await client.shutdown() } }
        let watch = try await Self.watch(environment, try registry.repository("acme/app"), tags: ["1.0"])

        let refused = try await poller.poll(watch)
        #expect(refused.imagesRegistered == 0)
        #expect(refused.error?.contains("Basic credentials") == true)

        _ = try await environment.database.registries.put(
            RegistryDefinition(host: registry.host, url: registry.url, insecure: true), credentials: .basic(username: "ci", password: "wrong"))
        #expect(try await poller.poll(watch).error?.contains("not authorised") == true)

        _ = try await environment.database.registries.put(
            RegistryDefinition(host: registry.host, url: registry.url, insecure: true), credentials: .basic(username: "ci", password: "s3cret"))
        let accepted = try await poller.poll(watch)
        #expect(accepted.error == nil)
        #expect(try await environment.database.registry.image(digest: pushed.digest) != nil)
    }
}
