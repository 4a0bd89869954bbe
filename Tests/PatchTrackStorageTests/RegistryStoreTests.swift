import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Registry and environment stores, on each engine")
struct RegistryStoreTests {
    private static func digest(_ byte: String) throws -> Digest {
        try Digest(parsing: "sha256:" + String(repeating: byte, count: 32))
    }

    private static func registration(
        _ byte: String, tags: [String] = [], base: String? = nil, labels: [String: String]? = nil
    ) throws -> ImageRegistration {
        ImageRegistration(
            repository: try RepositoryName(parsing: "ghcr.io/acme/app"), digest: try digest(byte), tags: tags,
            created: Date(timeIntervalSince1970: 1_760_000_000), platform: "linux/amd64", labels: labels,
            source: BuildSource(repository: "https://github.com/acme/app", revision: "abc123"),
            base: try base.map { try ImageReference(parsing: $0) })
    }

    @Test("registering images: tags move with history, a re-registration updates only what it names", arguments: TestEngine.available)
    func registration(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let store = RegistryStore(executor: executors[0])
            let baseReference = "docker.io/library/debian:12@sha256:" + String(repeating: "bb", count: 32)
            // when
            let first = try await store.registerImage(try Self.registration("a1", tags: ["latest", "v1"], base: baseReference, labels: ["team": "core"]))
            let again = try await store.registerImage(
                ImageRegistration(repository: try RepositoryName(parsing: "ghcr.io/acme/app"), digest: try Self.digest("a1")))
            let second = try await store.registerImage(try Self.registration("a2", tags: ["latest"]))
            // then
            #expect(first.created && !again.created && second.created)
            #expect(again.image.labels == ["team": "core"])
            #expect(again.image.platform == "linux/amd64")
            #expect(again.image.baseDigest == "sha256:" + String(repeating: "bb", count: 32))
            #expect(again.image.baseRepository == "docker.io/library/debian")
            #expect(again.image.sourceRevision == "abc123")
            let base = try #require(try await store.image(digest: "sha256:" + String(repeating: "bb", count: 32)))
            #expect(base.repository == "docker.io/library/debian")
            let repository = try #require(try await store.repository(name: "ghcr.io/acme/app"))
            #expect(repository.imageCount == 2)
            let latest = try #require(repository.tags.first { $0.name == "latest" })
            #expect(latest.digest == second.image.digest)
            #expect(latest.history.map(\.digest) == [first.image.digest, second.image.digest])
            #expect(latest.history.map(\.previousDigest) == [nil, first.image.digest])
            #expect(try await store.image(digest: first.image.digest)?.tags.map(\.name) == ["v1"])
            // lists and filters
            let all = try await store.images(repository: nil, tag: nil, after: nil, limit: 2)
            #expect(all.items.count == 2 && all.nextCursor != nil)
            let tagged = try await store.images(repository: "ghcr.io/acme/app", tag: "latest", after: nil, limit: 10)
            #expect(tagged.items.map(\.digest) == [second.image.digest])
            let repositories = try await store.repositories(after: nil, limit: 1)
            #expect(repositories.items.map(\.name) == ["docker.io/library/debian"])
            #expect(repositories.nextCursor == "docker.io/library/debian")
        }
    }

    @Test("a base lineage that loops is refused and nothing of it is stored", arguments: TestEngine.available)
    func lineageLoop(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let store = RegistryStore(executor: executors[0])
            let a = "ghcr.io/acme/app@" + (try Self.digest("a1")).value
            _ = try await store.registerImage(try Self.registration("b2", base: a))
            let before = try await GenerationStore(executor: executors[0]).current()
            await #expect(throws: PlanningError.self) {
                _ = try await store.registerImage(try Self.registration("a1", base: "ghcr.io/acme/app@" + (try Self.digest("b2")).value))
            }
            #expect(try await store.image(digest: (try Self.digest("a1")).value)?.baseDigest == nil)
            #expect(try await GenerationStore(executor: executors[0]).current() == before)
        }
    }

    @Test("replicas registering the same new image and moving the same tag at once end as one of them alone would", arguments: TestEngine.available)
    func concurrentRegistration(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 3) { executors in
            // when: twelve registrations of one new digest with one tag, from three "replicas" at once
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<12 {
                    let store = RegistryStore(executor: executors[attempt % executors.count])
                    group.addTask { try await store.registerImage(try Self.registration("c3", tags: ["stable"])).created }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // then: one created it, one repository, one tag with one history entry
            #expect(results.filter { $0 }.count == 1)
            let counts = try await executors[0].read { session in
                try ["repository", "image", "tag", "tagHistory"].map { table in
                    try session.fetchValue(SQLStatement(stringLiteral: "SELECT count(*) FROM \(table)"), as: Int.self) ?? -1
                }
            }
            #expect(counts == [1, 1, 1, 1])
        }
    }

    @Test("environments are created, updated in place, listed in order", arguments: TestEngine.available)
    func environments(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let store = EnvironmentStore(executor: executors[0])
            let (production, created) = try await store.put(name: "prod", EnvironmentSettings(stage: "production", order: 3, description: nil))
            #expect(created && production.workloads == 0 && production.inventoryAt == nil)
            _ = try await store.put(name: "canary", EnvironmentSettings(stage: "canary", order: 1, description: "first"))
            let (updated, createdAgain) = try await store.put(name: "prod", EnvironmentSettings(stage: "production", order: 0, description: "all"))
            #expect(!createdAgain && updated.description == "all" && updated.createdAt == production.createdAt)
            #expect(try await store.list().map(\.name) == ["prod", "canary"])
            #expect(try await store.environment(name: "nope") == nil)
        }
    }
}
