import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Build and VEX stores, on each engine")
struct BuildAndVEXStoreTests {
    private static func digest(_ byte: String) throws -> Digest {
        try Digest(parsing: "sha256:" + String(repeating: byte, count: 32))
    }

    @Test("a started build finished with a new digest moves the tag and supersedes the old digest", arguments: TestEngine.available)
    func buildLifecycle(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: the tag points to the old digest
            let token = try await TokenStore(executor: executors[0]).create(name: "ci", role: .ingest).info
            let repository = try RepositoryName(parsing: "ghcr.io/acme/app")
            _ = try await RegistryStore(executor: executors[0]).registerImage(
                ImageRegistration(repository: repository, digest: try Self.digest("01"), tags: ["stable"]))
            let builds = BuildStore(executor: executors[0])
            // when
            let (started, createdStarted) = try await builds.record(
                BuildReport(repository: repository, tag: "stable", status: .started, digest: nil, replaces: nil, url: nil, message: nil),
                by: token)
            let (finished, createdFinished) = try await builds.record(
                BuildReport(
                    repository: repository, tag: "stable", status: .succeeded, digest: try Self.digest("02"), replaces: nil,
                    url: "https://ci.example/1", message: nil),
                by: token)
            // then
            #expect(createdStarted && !createdFinished && finished.id == started.id)
            let (oldDigest, newDigest) = (try Self.digest("01").value, try Self.digest("02").value)
            #expect(finished.replaces == oldDigest && finished.digest == newDigest)
            #expect(finished.finishedAt != nil && finished.url == "https://ci.example/1")
            let old = try #require(try await RegistryStore(executor: executors[0]).image(digest: oldDigest))
            #expect(old.successor == newDigest && old.tags.isEmpty)
            let page = try await builds.list(repository: "ghcr.io/acme/app", status: .succeeded, before: nil, limit: 5)
            #expect(page.items.map(\.id) == [started.id])
            await #expect(throws: StorageError.self) {
                _ = try await builds.record(
                    BuildReport(
                        repository: repository, tag: "stable", status: .started, digest: nil, replaces: try Self.digest("ff"), url: nil,
                        message: nil),
                    by: token)
            }
        }
    }

    @Test("a VEX document posted again replaces its earlier statements", arguments: TestEngine.available)
    func vexReplacement(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // The OpenVEX sample of the Core tests' fixtures (Tests/Fixtures/README.md gives its source).
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appending(path: "PatchTrackCoreTests/Fixtures/vex/vexctl-sample-2vulns.json")
            let document = try VEXDocument.parse(try Data(contentsOf: url))
            let store = VEXStore(executor: executors[0])
            let first = try await store.ingest(document)
            let second = try await store.ingest(document)
            #expect(first.stored > 0 && first.replaced == 0)
            #expect(second.stored == first.stored && second.replaced == first.stored)
            let rows = try await executors[0].read { session in
                try session.fetchValue("SELECT count(*) FROM vexStatement", as: Int.self)
            }
            #expect(rows == first.stored)
        }
    }
}
